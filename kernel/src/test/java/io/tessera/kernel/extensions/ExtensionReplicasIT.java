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
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kernel replicas against one development cluster (in this JVM, reached over HTTP through its
 * kubeconfig like any cluster): a plan created once is served by both and reported Installed only
 * with both serving; the extension's controller runs on one replica (Lease), and stopping that
 * replica hands the Lease to the other; a new replica serves installed extensions from the cluster alone;
 * an upgrade that cannot start on one replica leaves every replica on the previous version.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
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
        TestPackages.greeter(repo, "rollme", "1.0.0", "rollme.tessera.io", "message: {type: string, default: one}");
        TestPackages.greeter(repo, "rollme", "2.0.0", "rollme.tessera.io", "message: {type: string, default: two}");
        // replica b's repository holds a 2.0.0 that cannot start there (as a bad package or a local fault would)
        Path repoB = dir.resolve("repo-b");
        TestPackages.greeter(repoB, "greeter", "1.0.0", "greeter.tessera.io", "message: {type: string, default: one}");
        TestPackages.greeter(repoB, "rollme", "1.0.0", "rollme.tessera.io", "message: {type: string, default: one}");
        TestPackages.greeter(repoB, "rollme", "2.0.0", "rollme.tessera.io", "failStart: {type: boolean, default: true}");
        cluster = DevCluster.start(dir.resolve("cluster"), "127.0.0.1", 0);
        kube = cluster.newClient();
        a = Kernel.start(config(dir.resolve("a"), repo));
        idA = replicaIds().get(0);
        b = Kernel.start(config(dir.resolve("b"), repoB));
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
    @Order(1) // needs both replicas; the other test stops one
    void upgradeThatFailsToStartOnOneReplicaRollsBackEveryReplicaAndSaysWhy() throws Exception {
        String rollme = "/kapis/rollme.tessera.io/v1alpha1/greetings";
        var plans = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS);
        GenericKubernetesResource plan = new GenericKubernetesResource();
        plan.setApiVersion("kubesphere.io/v1alpha1");
        plan.setKind("InstallPlan");
        plan.setMetadata(new ObjectMetaBuilder().withName("rollme").build());
        plan.setAdditionalProperty("spec", Map.of("extension", Map.of("name", "rollme", "version", "1.0.0"), "enabled", true));
        plans.resource(plan).create();
        IamHttp httpA = new IamHttp(a.baseUri());
        IamHttp httpB = new IamHttp(b.baseUri());
        String tokenA = httpA.bearer("admin", "P@88w0rd");
        String tokenB = httpB.bearer("admin", "P@88w0rd");
        await().atMost(DEADLINE).until(() -> "Installed".equals(planStatus("rollme").get("state")));

        plans.withName("rollme").edit(p -> {
            p.setAdditionalProperty("spec", Map.of("extension", Map.of("name", "rollme", "version", "2.0.0"), "enabled", true));
            return p;
        });
        await().atMost(DEADLINE).until(() -> "UpgradeFailed".equals(planStatus("rollme").get("state")));
        // a started 2.0.0 (or was about to) — it must end on 1.0.0 like b, and stay there
        await().atMost(DEADLINE).until(() -> version(httpA, tokenA, rollme).equals("1.0.0")
                && version(httpB, tokenB, rollme).equals("1.0.0"));
        Map<?, ?> upgraded = ((List<?>) planStatus("rollme").get("conditions")).stream().map(c -> (Map<?, ?>) c)
                .filter(c -> "Upgraded".equals(c.get("type"))).findFirst().orElseThrow();
        assertThat(upgraded.get("status")).isEqualTo("False");
        assertThat(upgraded.get("reason")).isEqualTo("UpgradeFailed");
        assertThat(String.valueOf(upgraded.get("message"))).contains("failStart is set").contains(idB);
        Thread.sleep(2_000); // no replica drifts back to 2.0.0 on a later event
        assertThat(version(httpA, tokenA, rollme)).isEqualTo("1.0.0");
        assertThat(version(httpB, tokenB, rollme)).isEqualTo("1.0.0");
        assertThat(planStatus("rollme").get("state")).isEqualTo("UpgradeFailed");

        plans.withName("rollme").delete();
        await().atMost(DEADLINE).until(() -> httpA.get(rollme, tokenA).statusCode() == 404
                && httpB.get(rollme, tokenB).statusCode() == 404 && plans.withName("rollme").get() == null);
    }

    static Map<?, ?> planStatus(String name) {
        GenericKubernetesResource p = kube.genericKubernetesResources(ExtensionTypes.INSTALL_PLANS).withName(name).get();
        return p != null && p.getAdditionalProperties().get("status") instanceof Map<?, ?> s ? s : Map.of();
    }

    static String version(IamHttp http, String token, String path) throws Exception {
        var r = http.get(path, token);
        return r.statusCode() == 200 ? IamHttp.tree(r).path("version").asText() : "HTTP " + r.statusCode();
    }

    @Test
    @Order(2)
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
        // by type: the Healthy condition each replica writes may come after it
        assertThat(((List<?>) status.get("conditions")).stream().map(c -> (Map<?, ?>) c)
                .filter(c -> "Installed".equals(c.get("type"))).map(c -> String.valueOf(c.get("message"))).toList())
                .singleElement().asString().contains("served by 2 kernel replica(s)");

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
