package io.tessera.kernel.tenancy.quotas;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfigurationBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.kernel.config.KernelConfig;
import java.nio.file.Files;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Registers {@link QuotaWebhookResource} with a real API server as ValidatingWebhookConfiguration
 * {@value #NAME}, only when a webhook URL is configured (key {@code quotaWebhook.url}, the kernel's
 * HTTPS address as the API server reaches it, and optionally {@code quotaWebhook.caFile}, the PEM
 * CA of its certificate; docs/configuration.md). The embedded cluster calls no webhooks, so nothing
 * is registered there. Failure policy {@code Ignore}: a kernel that is down must not block every
 * pod of the cluster; the kapis and proxy paths check anyway.
 */
public final class QuotaWebhookRegistration {

    public static final String NAME = "tessera-workspace-quota";
    /** The webhook's name, which the API server puts in its denial ({@code admission webhook "…" denied the request: …}). */
    static final String WEBHOOK = "workspace-quota.tenant.kubesphere.io";
    private static final Logger LOG = LoggerFactory.getLogger(QuotaWebhookRegistration.class);

    private QuotaWebhookRegistration() {
    }

    /** Creates or updates the configuration when a URL is configured; answers whether it did. */
    public static boolean registerIfConfigured(KubernetesClient client, KernelConfig.QuotaWebhook webhook) {
        if (webhook.url() == null) {
            return false;
        }
        String ca = null;
        try {
            if (webhook.caFile() != null) {
                ca = Base64.getEncoder().encodeToString(Files.readAllBytes(webhook.caFile()));
            }
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cannot read the quota webhook CA file " + webhook.caFile() + ": " + e.getMessage(), e);
        }
        String url = webhook.url().toString();
        ValidatingWebhookConfiguration vwc = configuration(url, ca);
        client.admissionRegistration().v1().validatingWebhookConfigurations().resource(vwc).serverSideApply();
        LOG.info("event=quota-webhook-registered name={} url={}", NAME, url);
        return true;
    }

    static ValidatingWebhookConfiguration configuration(String url, String caBundle) {
        String endpoint = url.replaceAll("/+$", "") + "/kapis/tenant.kubesphere.io/v1beta1/admissionreviews";
        return new ValidatingWebhookConfigurationBuilder().withNewMetadata().withName(NAME).endMetadata()
                .addNewWebhook().withName(WEBHOOK).withAdmissionReviewVersions("v1")
                .withSideEffects("None").withFailurePolicy("Ignore").withTimeoutSeconds(5)
                .withNewClientConfig().withUrl(endpoint).withCaBundle(caBundle).endClientConfig()
                .withNewNamespaceSelector().addNewMatchExpression().withKey("kubesphere.io/workspace").withOperator("Exists")
                .endMatchExpression().endNamespaceSelector()
                .addNewRule().withOperations("CREATE", "UPDATE").withApiGroups("").withApiVersions("v1")
                .withResources("pods", "resourcequotas", "replicationcontrollers").endRule()
                .addNewRule().withOperations("CREATE", "UPDATE").withApiGroups("apps").withApiVersions("v1")
                .withResources("deployments", "statefulsets", "replicasets", "daemonsets").endRule()
                .addNewRule().withOperations("CREATE", "UPDATE").withApiGroups("batch").withApiVersions("v1")
                .withResources("jobs").endRule()
                .endWebhook().build();
    }

}
