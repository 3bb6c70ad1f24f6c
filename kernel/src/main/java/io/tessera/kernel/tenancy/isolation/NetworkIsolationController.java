package io.tessera.kernel.tenancy.isolation;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeerBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.Reconciler;
import io.tessera.kernel.tenancy.projects.ProjectController;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Network isolation (issue 5 §5). A project annotated {@code kubesphere.io/network-isolate:
 * enabled} gets NetworkPolicy {@value #PROJECT_POLICY}: ingress only from its own pods and from
 * the system namespaces. A workspace whose template sets {@code spec.template.spec.networkIsolation:
 * true} gives each of its projects NetworkPolicy {@value #WORKSPACE_POLICY}: ingress only from the
 * workspace's projects and the system namespaces. Turning either off deletes the policy. The
 * policies carry label {@value #MANAGED_BY}, so nothing else is touched. Idempotent, per namespace.
 */
public final class NetworkIsolationController implements AutoCloseable {

    public static final String PROJECT_POLICY = "tessera-project-isolation";
    public static final String WORKSPACE_POLICY = "tessera-workspace-isolation";
    public static final String MANAGED_BY = "tenancy.tessera.io/network-isolation";
    /** Namespaces whose pods may always reach isolated projects (the platform's own). */
    public static final List<String> SYSTEM_NAMESPACES = List.of("kubesphere-system", "kube-system");

    private static final Logger LOG = LoggerFactory.getLogger(NetworkIsolationController.class);

    private final KubernetesClient client;
    private final SharedIndexInformer<Namespace> namespaces;
    private final SharedIndexInformer<GenericKubernetesResource> templates;
    private final Reconciler queue;
    /** The policies this controller owns (by label): reconciling a namespace reads them here, not from the API server. */
    private SharedIndexInformer<NetworkPolicy> policies;

    public NetworkIsolationController(KubernetesClient client, SharedIndexInformer<Namespace> namespaces,
                                      SharedIndexInformer<GenericKubernetesResource> templates) {
        this.client = client;
        this.namespaces = namespaces;
        this.templates = templates;
        this.queue = new Reconciler("network-isolation", this::reconcile);
    }

    public void start() {
        policies = client.network().v1().networkPolicies().inAnyNamespace().withLabel(MANAGED_BY, "true").inform();
        namespaces.addEventHandler(queue.handler());
        queue.resyncFrom(() -> namespaces.getStore().listKeys());
        templates.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(GenericKubernetesResource t) {
                projectsOf(t.getMetadata().getName());
            }

            @Override
            public void onUpdate(GenericKubernetesResource o, GenericKubernetesResource t) {
                projectsOf(t.getMetadata().getName());
            }

            @Override
            public void onDelete(GenericKubernetesResource t, boolean unknown) {
                projectsOf(t.getMetadata().getName());
            }
        });
    }

    /** Its work queue, run only while this replica leads (TenancyModule's LeaderGate). */
    public Reconciler reconciler() {
        return queue;
    }

    private void projectsOf(String ws) {
        for (Namespace ns : ProjectController.projectsOf(namespaces, ws)) {
            queue.enqueue(ns.getMetadata().getName());
        }
    }

    void reconcile(String name) {
        Namespace ns = namespaces.getStore().getByKey(name);
        if (ns == null || ns.getMetadata().getDeletionTimestamp() != null) {
            return;
        }
        Map<String, String> ann = ns.getMetadata().getAnnotations() == null ? Map.of() : ns.getMetadata().getAnnotations();
        boolean project = "enabled".equals(ann.get(TenancyTypes.ANN_NETWORK_ISOLATE));
        String ws = label(ns);
        GenericKubernetesResource t = ws.isEmpty() ? null : templates.getStore().getByKey(ws);
        boolean workspace = t != null && t.getMetadata().getDeletionTimestamp() == null
                && "true".equals(IamTypes.str(t, "spec", "template", "spec", "networkIsolation"));
        apply(name, PROJECT_POLICY, project ? policy(name, PROJECT_POLICY,
                new NetworkPolicyPeerBuilder().withNewPodSelector().endPodSelector().build()) : null);
        apply(name, WORKSPACE_POLICY, workspace ? policy(name, WORKSPACE_POLICY, new NetworkPolicyPeerBuilder()
                .withNamespaceSelector(new LabelSelectorBuilder().addToMatchLabels(TenancyTypes.LABEL_WORKSPACE, ws).build()).build())
                : null);
    }

    private void apply(String ns, String name, NetworkPolicy desired) {
        var op = client.network().v1().networkPolicies().inNamespace(ns);
        // from the cache: a stale hit ends in a no-op delete, a stale miss in a 409 and the edit below
        NetworkPolicy current = policies.getStore().getByKey(ns + "/" + name);
        if (desired == null) {
            if (current != null) {
                op.withName(name).delete();
                LOG.info("event=network-isolation-off namespace={} policy={}", ns, name);
            }
            return;
        }
        if (current == null) {
            try {
                op.resource(desired).create();
                LOG.info("event=network-isolation-on namespace={} policy={}", ns, name);
                return;
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        if (current == null || !Objects.equals(current.getSpec(), desired.getSpec())) {
            op.withName(name).edit(x -> {
                x.setSpec(desired.getSpec());
                return x;
            });
        }
    }

    /** Ingress-only: egress stays open, as KubeSphere's isolation does. */
    static NetworkPolicy policy(String ns, String name, NetworkPolicyPeer inside) {
        NetworkPolicyPeer system = new NetworkPolicyPeerBuilder().withNamespaceSelector(new LabelSelectorBuilder()
                .addNewMatchExpression().withKey("kubernetes.io/metadata.name").withOperator("In").withValues(SYSTEM_NAMESPACES)
                .endMatchExpression().build()).build();
        return new NetworkPolicyBuilder().withNewMetadata().withName(name).withNamespace(ns).addToLabels(MANAGED_BY, "true")
                .endMetadata().withNewSpec().withNewPodSelector().endPodSelector().withPolicyTypes("Ingress")
                .addNewIngress().withFrom(inside, system).endIngress().endSpec().build();
    }

    private static String label(Namespace ns) {
        Map<String, String> l = ns.getMetadata().getLabels();
        return l == null ? "" : l.getOrDefault(TenancyTypes.LABEL_WORKSPACE, "");
    }

    @Override
    public void close() {
        queue.close();
        if (policies != null) {
            policies.close();
        }
    }
}
