package io.tessera.kernel.tenancy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import io.tessera.kernel.iam.IamHttp;
import io.tessera.kernel.iam.api.IamTypes;
import io.tessera.kernel.tenancy.api.TenancyTypes;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two kernel replicas on one development cluster (reached over HTTP through its kubeconfig): the
 * tenancy controllers run on the replica that holds the Lease {@value TenancyModule#LEASE_NAME};
 * a workspace created through the other replica is still built (by the leader), and when the
 * leader stops the other replica takes the Lease and builds the next workspace itself.
 */
class TenancyLeaderElectionIT {

    static final String TENANT = "/kapis/tenant.kubesphere.io/v1beta1";
    static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path dir;
    static DevCluster cluster;
    static KubernetesClient kube;
    static Kernel a;
    static Kernel b;

    @BeforeAll
    static void boot() throws Exception {
        cluster = DevCluster.start(dir.resolve("cluster"), "127.0.0.1", 0);
        kube = cluster.newClient();
        a = Kernel.start(config(dir.resolve("a")));
    }

    static KernelConfig config(Path data) {
        return KernelConfig.defaults(data).withPort(0).withKubeconfig(cluster.kubeconfig())
                .withLeaderElection(new KernelConfig.LeaderElection(Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)));
    }

    @AfterAll
    static void shutdown() {
        for (AutoCloseable c : new AutoCloseable[] {b, a, kube, cluster}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception ignored) {
                // best effort
            }
        }
    }

    @Test
    void theLeaseHolderReconcilesAndTheOtherReplicaTakesOverWhenItStops() throws Exception {
        // a alone: it must become the leader; then b joins as a follower
        await().atMost(WAIT).until(() -> holder() != null && !holder().isEmpty());
        String first = holder();
        assertThat(first).startsWith("tenancy-");
        b = Kernel.start(config(dir.resolve("b")));
        IamHttp httpB = new IamHttp(b.baseUri());
        String admin = httpB.bearer("admin", "P@88w0rd");

        HttpResponse<String> r = httpB.json("POST", TENANT + "/workspacetemplates", admin, TenancyAcceptanceIT.template("led-by-a", "admin"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> exists(IamTypes.WORKSPACE_ROLES, "led-by-a-admin") && exists(TenancyTypes.WORKSPACES, "led-by-a"));
        assertThat(holder()).as("b joined as a follower").isEqualTo(first);

        a.close();
        a = null;
        await().atMost(WAIT).until(() -> holder() != null && !holder().isEmpty() && !holder().equals(first));
        r = httpB.json("POST", TENANT + "/workspacetemplates", admin, TenancyAcceptanceIT.template("led-by-b", "admin"));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        await().atMost(WAIT).until(() -> exists(IamTypes.WORKSPACE_ROLES, "led-by-b-admin") && exists(TenancyTypes.WORKSPACES, "led-by-b"));
    }

    static boolean exists(io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext ctx, String name) {
        return kube.genericKubernetesResources(ctx).withName(name).get() != null;
    }

    static String holder() {
        Lease l = kube.leases().inNamespace("kubesphere-system").withName(TenancyModule.LEASE_NAME).get();
        return l == null || l.getSpec() == null ? null : l.getSpec().getHolderIdentity();
    }
}
