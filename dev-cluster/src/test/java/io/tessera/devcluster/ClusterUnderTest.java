package io.tessera.devcluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** An API server a conformance check runs against: ours, or fabric8's stock CRUD mock as a negative control. */
interface ClusterUnderTest extends AutoCloseable {

    KubernetesClient client();

    Http http();

    @Override
    void close();

    /** Options that make bookmarks and history compaction observable within a test. */
    Map<String, Long> TEST_OPTIONS = Map.of("bookmarkMillis", 200L, "historySize", 50L);

    static ClusterUnderTest ours(Path dataDir) throws IOException {
        DevCluster cluster = DevCluster.start(dataDir, "127.0.0.1", 0, TEST_OPTIONS);
        KubernetesClient client = cluster.newClient();
        Http http = new Http(cluster.url());
        return new ClusterUnderTest() {
            public KubernetesClient client() {
                return client;
            }

            public Http http() {
                return http;
            }

            public void close() {
                client.close();
                cluster.close();
            }

            public String toString() {
                return "tessera dev-cluster";
            }
        };
    }

    static ClusterUnderTest stock() throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        KubernetesClient client = server.createClient();
        Http http = new Http("http://127.0.0.1:" + server.getPort());
        return new ClusterUnderTest() {
            public KubernetesClient client() {
                return client;
            }

            public Http http() {
                return http;
            }

            public void close() {
                client.close();
                server.destroy();
            }

            public String toString() {
                return "stock KubernetesCrudDispatcher";
            }
        };
    }
}
