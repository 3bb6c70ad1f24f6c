package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new cluster holds the system namespaces and one Node that describes this machine truthfully. */
class SeedsTest {

    @TempDir
    Path dataDir;

    static NodeCondition ready(Node node) {
        return node.getStatus().getConditions().stream().filter(c -> c.getType().equals("Ready")).findFirst().orElseThrow();
    }

    @Test
    void systemNamespacesAndThisMachineAsTheNode() throws Exception {
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0, Map.of("heartbeatMillis", 300L));
             KubernetesClient client = cluster.newClient()) {
            assertThat(client.namespaces().list().getItems()).extracting(n -> n.getMetadata().getName())
                    .contains("default", "kube-system", "kube-public", "kube-node-lease", "kubesphere-system");
            assertThat(client.leases().inNamespace("kube-node-lease").withName(cluster.nodeName()).get().getSpec().getHolderIdentity())
                    .isEqualTo(cluster.nodeName());
            assertThat(client.namespaces().withName("kubesphere-system").get().getStatus().getPhase()).isEqualTo("Active");

            assertThat(client.nodes().list().getItems()).hasSize(1);
            Node node = client.nodes().withName(cluster.nodeName()).get();
            Map<String, Quantity> capacity = node.getStatus().getCapacity();
            assertThat(capacity.get("cpu").getAmount()).isEqualTo(Integer.toString(Runtime.getRuntime().availableProcessors()));
            long memory = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
            assertThat(Quantity.getAmountInBytes(capacity.get("memory")).longValue()).isEqualTo(memory / 1024 * 1024);
            long disk = Files.getFileStore(dataDir).getTotalSpace();
            assertThat(Quantity.getAmountInBytes(capacity.get("ephemeral-storage")).longValue()).isEqualTo(disk / 1024 * 1024);
            assertThat(capacity.get("pods").getAmount()).as("no kubelet: nothing can run here").isEqualTo("0");
            assertThat(ready(node).getStatus()).isEqualTo("True");

            String firstBeat = ready(node).getLastHeartbeatTime();
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                    !ready(client.nodes().withName(cluster.nodeName()).get()).getLastHeartbeatTime().equals(firstBeat));
        }
    }

    @Test
    void seedsAreNotDuplicatedOnRestart() throws Exception {
        String nodeUid;
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            nodeUid = client.nodes().withName(cluster.nodeName()).get().getMetadata().getUid();
        }
        try (DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0); KubernetesClient client = cluster.newClient()) {
            assertThat(client.nodes().list().getItems()).hasSize(1);
            assertThat(client.nodes().withName(cluster.nodeName()).get().getMetadata().getUid()).isEqualTo(nodeUid);
            assertThat(client.namespaces().list().getItems()).hasSize(DevCluster.SYSTEM_NAMESPACES.size());
        }
    }
}
