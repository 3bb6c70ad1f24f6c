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
        Extensions extensions,
        /* Lease timings for work that runs on one replica at a time (tenancy's controllers, …) */
        LeaderElection leaderElection,
        /* the workspace-quota admission webhook the kernel registers on a real cluster */
        QuotaWebhook quotaWebhook) {

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
        if (leaderElection == null) {
            leaderElection = LeaderElection.defaults();
        }
        if (quotaWebhook == null) {
            quotaWebhook = QuotaWebhook.none();
        }
        Objects.requireNonNull(embeddedCluster, "embeddedCluster");
        Objects.requireNonNull(iam, "iam");
    }

    /** HTTP listener, plus HTTPS when a keystore or a PEM certificate and key are configured. */
    public record Server(String address, int port, Https https, Duration shutdownGrace) {
        public static Server defaults() {
            return new Server("127.0.0.1", 8080, Https.disabled(), Duration.ofSeconds(10));
        }
    }

    /**
     * HTTPS is on when {@code keystore} (PKCS12, with {@code keystorePassword}) is set, or
     * {@code certificate} and {@code key} (PEM files, as in a Kubernetes {@code kubernetes.io/tls}
     * Secret); the configuration refuses both at once.
     */
    public record Https(int port, Path keystore, String keystorePassword, Path certificate, Path key) {
        /** A PKCS12 keystore. */
        public Https(int port, Path keystore, String keystorePassword) {
            this(port, keystore, keystorePassword, null, null);
        }

        /** A PEM certificate (chain) and its private key. */
        public static Https pem(int port, Path certificate, Path key) {
            return new Https(port, null, null, certificate, key);
        }

        public static Https disabled() {
            return new Https(8443, null, null);
        }

        public boolean enabled() {
            return keystore != null || certificate != null;
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
        /** KubeSphere's default admin password; the console makes the admin change it at the first login. */
        public static final String DEFAULT_ADMIN_PASSWORD = "P@88w0rd";

        public static Iam defaults() {
            return new Iam("admin", DEFAULT_ADMIN_PASSWORD,
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

    /**
     * Leader election (fabric8's LeaderElector on a Lease in {@code kubesphere-system}): a leader
     * holds the Lease for {@code leaseDuration} without renewing, gives up when it has not renewed
     * within {@code renewDeadline}, and candidates retry every {@code retryPeriod}. Defaults are
     * Kubernetes' own controller-manager values.
     */
    public record LeaderElection(Duration leaseDuration, Duration renewDeadline, Duration retryPeriod) {
        public LeaderElection {
            Objects.requireNonNull(leaseDuration, "leaseDuration");
            Objects.requireNonNull(renewDeadline, "renewDeadline");
            Objects.requireNonNull(retryPeriod, "retryPeriod");
            if (renewDeadline.compareTo(leaseDuration) >= 0 || retryPeriod.compareTo(renewDeadline) >= 0) {
                throw new IllegalArgumentException("leader election needs retryPeriod < renewDeadline < leaseDuration");
            }
        }

        public static LeaderElection defaults() {
            return new LeaderElection(Duration.ofSeconds(15), Duration.ofSeconds(10), Duration.ofSeconds(2));
        }
    }

    /**
     * The validating admission webhook for workspace quotas: {@code url} is the kernel's HTTPS base
     * URL as the API server reaches it, {@code caFile} the PEM CA of its certificate (null: the API
     * server's trust store). No url: no webhook is registered (the embedded cluster calls none).
     */
    public record QuotaWebhook(java.net.URI url, Path caFile) {
        public static QuotaWebhook none() {
            return new QuotaWebhook(null, null);
        }
    }

    /** The eight-component form (before leader election and the quota webhook settings); those use their defaults. */
    public KernelConfig(Server server, Path dataDir, Path kubeconfig, EmbeddedCluster embeddedCluster, Iam iam,
            boolean debug, String hostClusterName, Extensions extensions) {
        this(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, extensions, null, null);
    }

    public KernelConfig withLeaderElection(LeaderElection value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, extensions, value,
                quotaWebhook);
    }

    public KernelConfig withQuotaWebhook(QuotaWebhook value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, extensions,
                leaderElection, value);
    }

    /** The seven-component form (before the extension runtime); extensions use their defaults. */
    public KernelConfig(Server server, Path dataDir, Path kubeconfig, EmbeddedCluster embeddedCluster, Iam iam,
            boolean debug, String hostClusterName) {
        this(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, Extensions.defaults());
    }

    public KernelConfig withExtensions(Extensions value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, value, leaderElection,
                quotaWebhook);
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
        return new KernelConfig(value, dataDir, kubeconfig, embeddedCluster, iam, debug, hostClusterName, extensions, leaderElection,
                quotaWebhook);
    }

    public KernelConfig withPort(int port) {
        return withServer(new Server(server.address(), port, server.https(), server.shutdownGrace()));
    }

    public KernelConfig withKubeconfig(Path value) {
        return new KernelConfig(server, dataDir, value, embeddedCluster, iam, debug, hostClusterName, extensions, leaderElection,
                quotaWebhook);
    }

    public KernelConfig withIam(Iam value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, value, debug, hostClusterName, extensions, leaderElection,
                quotaWebhook);
    }

    public KernelConfig withEmbeddedCluster(EmbeddedCluster value) {
        return new KernelConfig(server, dataDir, kubeconfig, value, iam, debug, hostClusterName, extensions, leaderElection,
                quotaWebhook);
    }

    public KernelConfig withHostClusterName(String value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, debug, value, extensions, leaderElection,
                quotaWebhook);
    }

    public KernelConfig withDebug(boolean value) {
        return new KernelConfig(server, dataDir, kubeconfig, embeddedCluster, iam, value, hostClusterName, extensions, leaderElection,
                quotaWebhook);
    }
}
