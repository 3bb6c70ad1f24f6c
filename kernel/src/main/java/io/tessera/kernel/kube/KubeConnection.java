package io.tessera.kernel.kube;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.tessera.devcluster.DevCluster;
import io.tessera.kernel.concurrent.DaemonThreads;
import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kernel's connection to Kubernetes. Whatever the source — a kubeconfig, the in-cluster
 * service account, or the embedded development cluster (through the kubeconfig it writes) — the
 * kernel talks to it the same way: a fabric8 client over HTTP.
 */
public final class KubeConnection implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KubeConnection.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    private static final long PROBE_SECONDS = 10;
    private static final long VERSION_CACHE_MILLIS = 60_000;

    private final KubernetesClient client;
    private final DevCluster embedded;
    private final String source;
    private final ScheduledExecutorService prober;
    private volatile boolean reachable;
    private volatile Map<String, Object> version;
    private volatile long versionFetched;

    private KubeConnection(KubernetesClient client, DevCluster embedded, String source) {
        this.client = client;
        this.embedded = embedded;
        this.source = source;
        this.prober = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("tessera-kube-probe"));
    }

    /**
     * Connects and checks that the API server answers; starts the embedded cluster if it is the
     * source. The client's (de)serialization comes from {@code serialization}, asked for only once
     * the cluster is found (the kernel prepares it meanwhile on another thread).
     */
    public static KubeConnection open(KernelConfig config, Supplier<KubernetesSerialization> serialization)
            throws KubeConnectionException {
        DevCluster embedded = null;
        String source;
        Config clientConfig;
        if (config.kubeconfig() != null) {
            source = "kubeconfig " + config.kubeconfig();
            clientConfig = fromKubeconfig(config.kubeconfig());
        } else if (inCluster()) {
            source = "in-cluster service account";
            clientConfig = fromServiceAccount();
        } else {
            KernelConfig.EmbeddedCluster ec = config.embeddedCluster();
            // The cluster shares the data dir so that its admin kubeconfig is <data-dir>/kubeconfig;
            // its objects live in <data-dir>/store.
            Path dir = config.dataDir();
            try {
                embedded = DevCluster.start(dir, ec.address(), ec.port());
            } catch (IOException | RuntimeException e) {
                throw new KubeConnectionException("cannot start the embedded development cluster on "
                        + ec.address() + ":" + ec.port() + ": " + oneLine(e), e);
            }
            source = "embedded development cluster";
            try {
                clientConfig = fromKubeconfig(embedded.kubeconfig());
            } catch (KubeConnectionException e) {
                embedded.close();
                throw e;
            }
        }
        // Fail fast at boot and on probes; informers retry on their own.
        clientConfig.setRequestRetryBackoffLimit(3);
        clientConfig.setRequestRetryBackoffInterval(250);
        KubernetesClient client;
        try {
            KubernetesClientBuilder builder = new KubernetesClientBuilder().withConfig(clientConfig)
                    .withKubernetesSerialization(serialization.get());
            ApiCallRecorder recorder = ApiCallRecorder.fromSystemProperty();
            if (recorder != null) {
                builder.withHttpClientBuilderConsumer(b -> b.addOrReplaceInterceptor("tessera-api-call-recorder", recorder));
            }
            client = builder.build();
        } catch (RuntimeException e) {
            if (embedded != null) {
                embedded.close();
            }
            throw e;
        }
        KubeConnection connection = new KubeConnection(client, embedded, source);
        try {
            connection.fetchVersion();
        } catch (KubeConnectionException e) {
            connection.close();
            throw e;
        }
        connection.reachable = true;
        connection.prober.scheduleWithFixedDelay(connection::probe, 3, 3, TimeUnit.SECONDS);
        LOG.info("event=kube.connected source=\"{}\" url={}", source, connection.url());
        return connection;
    }

    private static Config fromKubeconfig(Path file) throws KubeConnectionException {
        try {
            // read once here for a clear error; fabric8 reads it again itself
            Files.readString(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new KubeConnectionException("cannot read kubeconfig " + file + ": no such file", e);
        } catch (java.nio.file.AccessDeniedException e) {
            throw new KubeConnectionException("cannot read kubeconfig " + file + ": permission denied", e);
        } catch (IOException | RuntimeException e) {
            throw new KubeConnectionException("cannot read kubeconfig " + file + ": " + oneLine(e), e);
        }
        try {
            return Config.fromKubeconfig(file.toFile());
        } catch (RuntimeException e) {
            throw new KubeConnectionException("kubeconfig " + file + " is not valid: " + oneLine(e), e);
        }
    }

    /** True inside a pod with a mounted service account token. */
    public static boolean inCluster() {
        return System.getenv("KUBERNETES_SERVICE_HOST") != null
                && Files.isReadable(SERVICE_ACCOUNT.resolve("token"));
    }

    private static Config fromServiceAccount() throws KubeConnectionException {
        String host = System.getenv("KUBERNETES_SERVICE_HOST");
        String port = System.getenv().getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        String url = "https://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        Path token = SERVICE_ACCOUNT.resolve("token");
        try {
            String namespace = Files.isReadable(SERVICE_ACCOUNT.resolve("namespace"))
                    ? Files.readString(SERVICE_ACCOUNT.resolve("namespace")).trim() : "default";
            return new ConfigBuilder(Config.empty())
                    .withMasterUrl(url)
                    .withCaCertFile(SERVICE_ACCOUNT.resolve("ca.crt").toString())
                    .withNamespace(namespace)
                    // the token is rotated by the kubelet: read it for every new request
                    .withOauthTokenProvider(() -> readToken(token))
                    .build();
        } catch (IOException | RuntimeException e) {
            throw new KubeConnectionException("cannot use the in-cluster service account at " + SERVICE_ACCOUNT + ": " + oneLine(e), e);
        }
    }

    private static String readToken(Path token) {
        try {
            return Files.readString(token).trim();
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the service account token " + token, e);
        }
    }

    public KubernetesClient client() {
        return client;
    }

    /** The embedded development cluster, or null when the kernel uses another cluster. */
    public DevCluster embedded() {
        return embedded;
    }

    public String source() {
        return source;
    }

    public String url() {
        return client.getMasterUrl().toString();
    }

    /** True while the API server answered the last probe. */
    public boolean reachable() {
        return reachable;
    }

    /**
     * The cluster's own {@code /version}, as it answered (cached for a minute); null when it did
     * not answer one.
     */
    public Map<String, Object> kubernetesVersion() {
        if (System.currentTimeMillis() - versionFetched > VERSION_CACHE_MILLIS) {
            try {
                fetchVersion();
            } catch (KubeConnectionException e) {
                LOG.debug("event=kube.version.failed error={}", e.getMessage());
            }
        }
        return version;
    }

    private void probe() {
        boolean was = reachable;
        try {
            fetchVersion();
            reachable = true;
        } catch (KubeConnectionException | RuntimeException e) {
            reachable = false;
            if (was) {
                LOG.warn("event=kube.unreachable url={} error={}", url(), e.getMessage());
            }
        }
        if (!was && reachable) {
            LOG.info("event=kube.reachable url={}", url());
        }
    }

    private void fetchVersion() throws KubeConnectionException {
        String base = url().endsWith("/") ? url() : url() + "/";
        HttpClient http = client.getHttpClient();
        HttpRequest request = http.newHttpRequestBuilder().uri(base + "version").build();
        HttpResponse<String> response;
        try {
            response = http.sendAsync(request, String.class).get(PROBE_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KubeConnectionException("interrupted while reaching the Kubernetes API at " + url(), e);
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new KubeConnectionException("cannot reach the Kubernetes API at " + url() + ": " + oneLine(cause), cause);
        }
        if (!response.isSuccessful()) {
            throw new KubeConnectionException("the Kubernetes API at " + url() + " answered HTTP " + response.code()
                    + " to GET /version" + (response.code() == 401 || response.code() == 403 ? " (check the credentials)" : ""), null);
        }
        version = parseVersion(response.body());
        versionFetched = System.currentTimeMillis();
    }

    /** Only a real version document counts; anything else is "unknown", never filled in. */
    static Map<String, Object> parseVersion(String body) {
        try {
            Map<String, Object> parsed = JSON.readValue(body, new TypeReference<Map<String, Object>>() { });
            return parsed != null && parsed.get("gitVersion") instanceof String ? parsed : null;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static String oneLine(Throwable e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    @Override
    public void close() {
        prober.shutdownNow();
        try {
            client.close();
        } finally {
            if (embedded != null) {
                embedded.close();
            }
        }
    }
}
