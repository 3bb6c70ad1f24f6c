package io.tessera.kernel.tenancy.clusters;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host cluster's {@code Cluster} object (reference §7.1), the only one until multi-cluster
 * exists: created at boot by whichever replica comes first (409 = another one did), labelled
 * {@code cluster-role.kubesphere.io/host}, so workspace placement and {@code GET /clusters} have
 * something to refer to.
 */
public final class HostCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HostCluster.class);

    private SharedIndexInformer<GenericKubernetesResource> clusters;

    public HostCluster start(KubernetesClient client, String name) {
        var op = client.genericKubernetesResources(TenancyTypes.CLUSTERS);
        if (op.withName(name).get() == null) {
            GenericKubernetesResource c = new GenericKubernetesResource();
            c.setApiVersion("cluster.kubesphere.io/v1alpha1");
            c.setKind("Cluster");
            c.setMetadata(new ObjectMetaBuilder().withName(name).withLabels(Map.of(TenancyTypes.LABEL_HOST_CLUSTER, "",
                    "cluster.kubesphere.io/visibility", "public")).build());
            Map<String, Object> spec = new LinkedHashMap<>();
            spec.put("joinFederation", false);
            spec.put("enable", true);
            spec.put("provider", "tessera");
            spec.put("connection", Map.of("type", "direct"));
            c.getAdditionalProperties().put("spec", spec);
            String version = "";
            try {
                version = client.getKubernetesVersion().getGitVersion();
            } catch (RuntimeException e) {
                LOG.debug("event=host-cluster-version-unknown error={}", e.toString());
            }
            Map<String, Object> ready = new LinkedHashMap<>();
            ready.put("type", "Ready");
            ready.put("status", "True");
            ready.put("reason", "HostCluster");
            ready.put("message", "the cluster the kernel runs on");
            c.getAdditionalProperties().put("status", Map.of("kubernetesVersion", version == null ? "" : version,
                    "conditions", List.of(ready)));
            try {
                op.resource(c).create();
                LOG.info("event=host-cluster-created cluster={}", name);
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) {
                    throw e;
                }
            }
        }
        clusters = op.inform();
        return this;
    }

    public SharedIndexInformer<GenericKubernetesResource> informer() {
        return clusters;
    }

    @Override
    public void close() {
        if (clusters != null) {
            clusters.close();
        }
    }
}
