package io.tessera.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A fabric8 informer stays consistent with the cluster, also across a restart of the cluster on the same data dir. */
class InformerTest {

    @TempDir
    Path dataDir;

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static boolean cached(SharedIndexInformer<ConfigMap> informer, String name) {
        return informer.getStore().getByKey("default/" + name) != null;
    }

    @Test
    void informerCacheFollowsChangesAcrossARestart() throws Exception {
        int port = freePort();
        DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", port);
        Config config = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
        config.setWatchReconnectInterval(200);
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build()) {
            client.configMaps().inNamespace("default").resource(DurabilityTest.cm("stays", "1")).create();
            client.configMaps().inNamespace("default").resource(DurabilityTest.cm("goes", "1")).create();
            SharedIndexInformer<ConfigMap> informer = client.configMaps().inNamespace("default").inform();
            try {
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cached(informer, "stays") && cached(informer, "goes"));
                client.configMaps().inNamespace("default").resource(DurabilityTest.cm("live", "1")).create();
                Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cached(informer, "live"));

                cluster.close();
                cluster = DevCluster.start(dataDir, "127.0.0.1", port);
                // Changes the informer has not seen: it must catch up by replay or by relisting.
                client.configMaps().inNamespace("default").withName("goes").delete();
                client.configMaps().inNamespace("default").resource(DurabilityTest.cm("after", "1")).create();
                Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> cached(informer, "after") && !cached(informer, "goes"));
                assertThat(cached(informer, "stays")).isTrue();
                assertThat(informer.getStore().getByKey("default/stays").getData()).containsEntry("v", "1");
            } finally {
                informer.close();
            }
        } finally {
            cluster.close();
        }
    }
}
