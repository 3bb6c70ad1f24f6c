package io.tessera.devcluster;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.tessera.devcluster.api.ApiServer;
import io.tessera.devcluster.api.ResourceRegistry;
import io.tessera.devcluster.store.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded development cluster: a Kubernetes API on a loopback port, reached only through
 * the normal fabric8 client (or kubectl) via the kubeconfig it writes to
 * {@code <data-dir>/kubeconfig}. Its state is durable in {@code <data-dir>/store} (see docs/dev-cluster.md).
 */
public final class DevCluster implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(DevCluster.class);

    /**
     * Namespaces every cluster starts with; {@code kubesphere-system} holds the platform's own objects,
     * {@code kube-node-lease} the node's heartbeat Lease (as on a real cluster).
     */
    public static final List<String> SYSTEM_NAMESPACES =
            List.of("default", "kube-system", "kube-public", "kube-node-lease", "kubesphere-system");

    /** How often the node's Ready heartbeat is renewed by default (a kubelet reports about as often). */
    static final long HEARTBEAT_MILLIS = 20_000;

    private final Store store;
    private final HttpTransport transport;
    private final ScheduledExecutorService heartbeat;
    private final FileLock lock;
    private final String address;
    private final int port;
    private final Path kubeconfig;
    private final String nodeName;

    private DevCluster(Store store, HttpTransport transport, ScheduledExecutorService heartbeat, FileLock lock,
                       String address, int port, Path kubeconfig, String nodeName) {
        this.store = store;
        this.transport = transport;
        this.heartbeat = heartbeat;
        this.lock = lock;
        this.address = address;
        this.port = port;
        this.kubeconfig = kubeconfig;
        this.nodeName = nodeName;
    }

    /**
     * Starts the cluster with its state in {@code dataDir}.
     *
     * @param port 0 for any free port
     */
    public static DevCluster start(Path dataDir, String address, int port) throws IOException {
        return start(dataDir, address, port, Map.of());
    }

    /**
     * Starts the cluster with tuning options (for tests and benchmarks): {@code bookmarkMillis} (watch
     * bookmark interval, default 10000), {@code compactEvery} (log records between snapshots, default 100000),
     * {@code historySize} (changes kept for resuming watches, default 20000), {@code heartbeatMillis} (node
     * heartbeat interval, default 20000).
     */
    public static DevCluster start(Path dataDir, String address, int port, Map<String, Long> options) throws IOException {
        Files.createDirectories(dataDir);
        Path storeDir = dataDir.resolve("store");
        Files.createDirectories(storeDir);
        FileChannel lockChannel = FileChannel.open(storeDir.resolve("LOCK"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = lockChannel.tryLock();
        if (lock == null) {
            lockChannel.close();
            throw new IllegalStateException("data directory " + dataDir + " is in use by another dev-cluster process"
                    + " (lock held on " + storeDir.resolve("LOCK") + "); stop it or use another --data-dir");
        }
        Store store = null;
        HttpTransport transport = null;
        try {
            ObjectMapper mapper = new ObjectMapper();
            store = Store.open(mapper, storeDir);
            store.setCompactEvery(options.getOrDefault("compactEvery", 100_000L));
            store.setHistorySize(options.getOrDefault("historySize", 20_000L).intValue());
            ApiServer api = new ApiServer(store, new ResourceRegistry(), mapper);
            transport = new HttpTransport(api, options.getOrDefault("bookmarkMillis", 10_000L));
            int bound = transport.start(address, port);
            api.setServerAddress(address + ":" + bound);
            for (String ns : SYSTEM_NAMESPACES) {
                if (api.handle(new ApiServer.Request("GET", "/api/v1/namespaces/" + ns, Map.of(), null, null)).code() == 404) {
                    String body = "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + ns + "\"}}";
                    ApiServer.Response r = api.handle(new ApiServer.Request("POST", "/api/v1/namespaces", Map.of(), "application/json",
                            body.getBytes(StandardCharsets.UTF_8)));
                    if (r.code() != 201) {
                        throw new IOException("cannot create namespace " + ns + ": " + r.text());
                    }
                }
            }
            NodeSeeder node = new NodeSeeder(api, mapper, dataDir, address);
            node.seed();
            ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "dev-cluster-node-heartbeat");
                t.setDaemon(true);
                return t;
            });
            long every = options.getOrDefault("heartbeatMillis", HEARTBEAT_MILLIS);
            beat.scheduleWithFixedDelay(node::heartbeat, every, every, TimeUnit.MILLISECONDS);
            Path kubeconfig = dataDir.resolve("kubeconfig");
            String url = "http://" + hostForUrl(address) + ":" + bound;
            Kubeconfigs.writeAdmin(kubeconfig, url);
            LOG.info("event=dev-cluster.started url={} dataDir={} objects={} resourceVersion={}", url, dataDir, store.count(),
                    store.resourceVersion());
            return new DevCluster(store, transport, beat, lock, address, bound, kubeconfig, node.nodeName);
        } catch (IOException | RuntimeException e) {
            if (transport != null) {
                transport.close();
            }
            if (store != null) {
                store.close();
            }
            lock.release();
            lockChannel.close();
            throw e;
        }
    }

    private static String hostForUrl(String address) {
        if (address.equals("0.0.0.0")) {
            return "127.0.0.1";
        }
        return address.contains(":") && !address.startsWith("[") ? "[" + address + "]" : address;
    }

    /** The API server's URL, e.g. {@code http://127.0.0.1:40123}. */
    public String url() {
        return "http://" + hostForUrl(address) + ":" + port;
    }

    public int port() {
        return port;
    }

    /** The admin kubeconfig written for this cluster. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    /** The name of the Node object that describes this machine. */
    public String nodeName() {
        return nodeName;
    }

    /** The current global resourceVersion (for diagnostics and benchmarks). */
    public long resourceVersion() {
        return store.resourceVersion();
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
        heartbeat.shutdownNow();
        transport.close();
        try {
            store.close();
        } catch (IOException e) {
            LOG.warn("event=dev-cluster.close-failed error={}", e.toString());
        }
        try {
            lock.release();
            lock.channel().close();
        } catch (IOException e) {
            LOG.warn("event=dev-cluster.unlock-failed error={}", e.toString());
        }
        LOG.info("event=dev-cluster.stopped port={}", port);
    }
}
