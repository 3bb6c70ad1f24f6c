package io.tessera.kernel.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Everything the kernel is told at start, already validated. Built by {@code ConfigLoader} from
 * {@code conf/tessera.yaml}, environment variables and flags (rising precedence); tests build it
 * directly with {@link #defaults(Path)} and the {@code with…} methods.
 *
 * <p>Each key is documented in docs/configuration.md.
 */
public record KernelConfig(
        Server server,
        Path dataDir,
        /* null: in-cluster service account if present, else the embedded development cluster */
        Path kubeconfig,
        EmbeddedCluster embeddedCluster,
        Iam iam,
        boolean debug,
        /* KubeSphere's multicluster.hostClusterName: this cluster's name in /clusters/{name}/… */
        String hostClusterName,
        /* the extension runtime: where the built-in repository of extension packages lives */
        Extensions extensions) {

    /** The cluster name KubeSphere gives the host cluster by default (and always accepts). */
    public static final String DEFAULT_HOST_CLUSTER_NAME = "host";

    public KernelConfig {
        Objects.requireNonNull(server, "server");
        if (hostClusterName == null || hostClusterName.isBlank()) {
            hostClusterName = DEFAULT_HOST_CLUSTER_NAME;
        }
        Objects.requireNonNull(dataDir, "dataDir");
        if (extensions == null) {
            extensions = Extensions.defaults();
        }
        Objects.requireNonNull(embeddedCluster, "embeddedCluster");
        Objects.requireNonNull(iam, "iam");
    }

    /** HTTP listener, plus HTTPS when a keystore is configured. */
    public record Server(String address, int port, Https https, Duration shutdownGrace) {
        public static Server defaults() {
            return new Server("127.0.0.1", 8080, Https.disabled(), Duration.ofSeconds(10));
        }
    }

    /** HTTPS is on when {@code keystore} is set (PKCS12). */
    public record Https(int port, Path keystore, String keystorePassword) {
        public static Https disabled() {
            return new Https(8443, null, null);
        }

        public boolean enabled() {
            return keystore != null;
        }
    }

    /** The embedded development cluster, used when no kubeconfig and no in-cluster account exist. */
    public record EmbeddedCluster(String address, int port) {
        public static EmbeddedCluster defaults() {
            return new EmbeddedCluster("127.0.0.1", 0);
        }
    }

    /** Identity and access: the bootstrap admin, OAuth clients, token lifetimes, login limits. */
    public record Iam(
            String adminUsername,
            String adminPassword,
            List<OAuthClient> oauthClients,
            Duration accessTokenMaxAge,
            Duration accessTokenInactivityTimeout,
            int loginFailureLimit,
            Duration loginFailureWindow) {
        public static Iam defaults() {
            return new Iam("admin", "P@88w0rd",
                    List.of(new OAuthClient("kubesphere", "kubesphere")),
                    Duration.ofHours(2), Duration.ofMinutes(30), 5, Duration.ofMinutes(10));
        }
    }

    public record OAuthClient(String id, String secret) {
    }

    /**
     * The extension runtime. {@code repositoryDir}: the built-in repository (the distribution's
     * {@code repository/} folder), which becomes the Repository {@code builtin}. Its default is
     * {@code <tessera.home>/repository} when the distribution's launcher sets the system property
     * {@code tessera.home}, else none (embedding and tests name one). {@code trustedKeysDir}: a
     * directory of PEM public keys whose signatures packages may carry (the Helm chart mounts its
     * trusted-keys Secret there), besides the distribution's {@code conf/trusted-keys/} and the
     * Secret {@code kubesphere-system/tessera-trusted-keys}. {@code repositorySyncInterval}: how
     * often a Repository without {@code spec.updateStrategy.registryPoll.interval} is synced.
     */
    public record Extensions(Path repositoryDir, Path trustedKeysDir, Duration repositorySyncInterval) {
        public static final Duration DEFAULT_SYNC_INTERVAL = Duration.ofMinutes(15);

        public Extensions {
            if (repositorySyncInterval == null) {
                repositorySyncInterval = DEFAULT_SYNC_INTERVAL;
            }
        }

        /** Only a built-in repository; no trusted-keys directory, the default sync interval. */
        public Extensions(Path repositoryDir) {
            this(repositoryDir, null, DEFAULT_SYNC_INTERVAL);
        }

        public static Extensions defaults() {
            String home = System.getProperty("tessera.home");
            return new Extensions(home == null ? null : Path.of(home, "repository"));
        }

        public Extensions withTrustedKeysDir(Path dir) {
            return new Extensions(repositoryDir, dir, repositorySyncInterval);
        }

        public Extensions withRepositorySyncInterval(Duration interval) {
            return new Extensions(repositoryDir, trustedKeysDir, interval);
        }
    }

    /** The seven-component form (before the extension runtime); extensions use their defaults. */
    public KernelConfig(Server server, Path dataDir, Path kubeconfig, EmbeddedCluster embeddedCluster, Iam iam,
            boolean debug, String hostClusterName) {
        this(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, Extensions.defaults());
    }

    public KernelConfig withExtensions(Extensions value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, value);
    }

    /** The original six-component form; the host cluster is called {@value #DEFAULT_HOST_CLUSTER_NAME}. */
    public KernelConfig(Server server, Path dataDir, Path kubeconfig, EmbeddedCluster embeddedCluster, Iam iam,
            boolean debug) {
        this(server, dataDir, kubeconfig, embeddedCluster, iam, debug, DEFAULT_HOST_CLUSTER_NAME);
    }

    public static KernelConfig defaults(Path dataDir) {
        return new KernelConfig(Server.defaults(), dataDir, null, EmbeddedCluster.defaults(), Iam.defaults(), false);
    }

    public KernelConfig withServer(Server value) {
        return new KernelConfig(value, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, extensions);
    }

    public KernelConfig withPort(int port) {
        return withServer(new Server(server.address(), port, server.https(), server.shutdownGrace()));
    }

    public KernelConfig withKubeconfig(Path value) {
        return new KernelConfig(server, dataDir, value, embeddedCluster, iam, debug, hostClusterName, extensions);
    }

    public KernelConfig withIam(Iam value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, value, debug, hostClusterName, extensions);
    }

    public KernelConfig withEmbeddedCluster(EmbeddedCluster value) {
        return new KernelConfig(server, dataDir, kubeconfig, value, iam, debug, hostClusterName, extensions);
    }

    public KernelConfig withHostClusterName(String value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, value, extensions);
    }

    public KernelConfig withDebug(boolean value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, value, hostClusterName, extensions);
    }
}
