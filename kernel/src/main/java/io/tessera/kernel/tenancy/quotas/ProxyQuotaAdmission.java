package io.tessera.kernel.tenancy.quotas;

import io.tessera.kernel.spi.KubernetesWriteAdmission;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The workspace quota check for writes through the Kubernetes proxy: the kinds the validating
 * webhook is registered for, and the refusal worded as the API server words that webhook's denial,
 * so a client sees the same 403 whether the proxy or (on a real cluster) the webhook refused.
 */
public final class ProxyQuotaAdmission implements KubernetesWriteAdmission {

    private static final Map<String, Set<String>> CHECKED = Map.of(
            "", Set.of("pods", "resourcequotas", "replicationcontrollers"),
            "apps", Set.of("deployments", "statefulsets", "replicasets", "daemonsets"),
            "batch", Set.of("jobs"));

    private final QuotaAdmission admission;

    public ProxyQuotaAdmission(QuotaAdmission admission) {
        this.admission = admission;
    }

    @Override
    public boolean concerns(String apiGroup, String resource) {
        return CHECKED.getOrDefault(apiGroup == null ? "" : apiGroup, Set.of()).contains(resource);
    }

    @Override
    public Optional<String> refusal(String operation, Map<String, Object> object) {
        QuotaAdmission.Decision d = admission.admit(operation, object);
        return d.allowed() ? Optional.empty()
                : Optional.of("admission webhook \"" + QuotaWebhookRegistration.WEBHOOK + "\" denied the request: " + d.message());
    }
}
