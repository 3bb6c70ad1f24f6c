package io.tessera.kernel.extensions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.testing.TestPackages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kernel replicas against one development cluster (in this JVM, reached over HTTP through its
 * kubeconfig like any cluster): a plan created once is served by both and reported Installed only
 * with both serving; the extension's controller runs on one replica (Lease), and stopping that
 * replica hands the Lease to the other; a new replica serves installed extensions from the cluster alone.
 */
class ExtensionReplicasIT {

    static final String GREETINGS = "/kapis/greeter.tessera.io/v1alpha1/greetings";
    static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    static Path dir;
    static DevCluster cluster;
    static KubernetesClient kube;
    static Kernel a;
    static Kernel b;
    static String idA;
    static String idB;

    @BeforeAll
    static void boot() throws Exception {
        Path repo = dir.resolve("repo");
        TestPackages.greeter(repo, "greeter", "1.0.0", "greeter.tessera.io", "message: {type: string, default: one}");
        cluster = DevCluster.start(dir.resolve("cluster"), "127.0.0.1", 0);
        kube = cluster.newClient();
        a = Kernel.start(config(dir.resolve("a"), repo));
        idA = replicaIds().get(0);
        b = Kernel.start(config(dir.resolve("b"), repo));
        idB = replicaIds().stream().filter(id -> !id.equals(idA)).findFirst().orElseThrow();
    }

    static KernelConfig config(Path data, Path repo) {
        return KernelConfig.defaults(data).withPort(0).withKubeconfig(cluster.kubeconfig())
                .withExtensions(new KernelConfig.Extensions(repo));
    }

    static List<String> replicaIds() {
        return kube.leases().inNamespace(ReplicaRegistry.NAMESPACE).withLabel(ReplicaRegistry.LABEL, "true").list()
                .getItems().stream().map(l -> l.getSpec().getHolderIdentity()).toList();
    }

    @AfterAll
    static void shutdown() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, kube, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort: the temp dir goes away with the JVM's test run
            }
        }
    }

    @Test
    void installThroughOneIsServedByBothAndControllerLeaseHandsOverOnStop() throws Exception {
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName("greeter").build());
        plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", "greeter", "version", "1.0.0"), "enabled", true));
        kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).resource(plan).create();

        IamHttp httpA = new IamHttp(a.baseUri());
        IamHttp httpB = new IamHttp(b.baseUri());
        String tokenA = httpA.bearer("admin", "P@88w0rd");
        String tokenB = httpB.bearer("admin", "P@88w0rd");
        await().atMost(DEADLINE).until(() -> httpA.get(GREETINGS, tokenA).statusCode() == 200
                && httpB.get(GREETINGS, tokenB).statusCode() == 200);
        await().atMost(DEADLINE).until(() -> {
            GenericKubernetesResource p = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").get();
            return p.getAdditionalProperties().get("status") instanceof Map<?, ?> s && "Installed".equals(s.get("state"));
        });
        // Installed is written only once both replicas report the version
        Map<?, ?> status = (Map<?, ?>) kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName("greeter").get()
                .getAdditionalProperties().get("status");
        assertThat(String.valueOf(((Map<?, ?>) ((List<?>) status.get("conditions")).get(((List<?>) status.get("conditions")).size() - 1)).get("message")))
                .contains("served by 2 kernel replica(s)");

        String lease = "tessera-ext-greeter-configmaps";
        await().atMost(DEADLINE).until(() -> holder(lease) != null && !holder(lease).isEmpty());
        String first = holder(lease);
        assertThat(first).isIn(idA, idB);

        Kernel leader = first.equals(idA) ? a : b;
        String other = first.equals(idA) ? idB : idA;
        leader.close();
        await().atMost(DEADLINE).until(() -> other.equals(holder(lease)));
        IamHttp survivor = first.equals(idA) ? httpB : httpA;
        String token = first.equals(idA) ? tokenB : tokenA;
        assertThat(survivor.get(GREETINGS, token).statusCode()).isEqualTo(200);
        // the stopped replica's own lease is gone, so later installs do not wait for it
        assertThat(replicaIds()).containsExactly(other);

        // a replica (re)started with an empty Felix cache serves the extension from the cluster's records alone
        try (Kernel c = Kernel.start(config(dir.resolve("c"), dir.resolve("repo")))) {
            IamHttp httpC = new IamHttp(c.baseUri());
            String tokenC = httpC.bearer("admin", "P@88w0rd");
            await().atMost(DEADLINE).until(() -> httpC.get(GREETINGS, tokenC).statusCode() == 200);
        }
    }

    static String holder(String lease) {
        Lease l = kube.leases().inNamespace(ReplicaRegistry.NAMESPACE).withName(lease).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }
}
