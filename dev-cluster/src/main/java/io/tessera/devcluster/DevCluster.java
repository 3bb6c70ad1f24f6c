package io.tessera.devcluster;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The embedded development cluster: a Kubernetes API on a loopback port, reached only through
 * the normal fabric8 client (or kubectl) via the kubeconfig it writes to
 * {@code <data-dir>/kubeconfig}.
 */
public final class DevCluster implements AutoCloseable {

    /** Namespaces every cluster starts with; {@code kubesphere-system} holds the platform's own objects. */
    public static final List<String> SYSTEM_NAMESPACES =
            List.of("default", "kube-system", "kube-public", "kubesphere-system");

    private final KubernetesMockServer server;
    private final Path kubeconfig;

    private DevCluster(KubernetesMockServer server, Path kubeconfig) {
        this.server = server;
        this.kubeconfig = kubeconfig;
    }

    /**
     * Starts the cluster with its state in {@code dataDir}.
     *
     * @param port 0 for any free port
     */
    public static DevCluster start(Path dataDir, String address, int port) throws IOException {
        Files.createDirectories(dataDir);
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getByName(address), port);
        Path kubeconfig = dataDir.resolve("kubeconfig");
        DevCluster cluster = new DevCluster(server, kubeconfig);
        Kubeconfigs.writeAdmin(kubeconfig, cluster.url());
        try (KubernetesClient client = cluster.newClient()) {
            for (String ns : SYSTEM_NAMESPACES) {
                if (client.namespaces().withName(ns).get() == null) {
                    client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).create();
                }
            }
        }
        return cluster;
    }

    /** The API server's URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://" + server.getHostName() + ":" + server.getPort();
    }

    public int port() {
        return server.getPort();
    }

    /** The admin kubeconfig written for this cluster. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** A new fabric8 client for this cluster, configured from its kubeconfig; the caller closes it. */
    public KubernetesClient newClient() {
        try {
            Config config = Config.fromKubeconfig(Files.readString(kubeconfig));
            return new KubernetesClientBuilder().withConfig(config).build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.destroy();
    }
}
