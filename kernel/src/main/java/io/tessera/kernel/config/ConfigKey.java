package io.tessera.kernel.config;

import java.util.Locale;
import java.util.function.Function;

/**
 * Every configuration key, with its type, where its default lives in
 * {@link KernelConfig#defaults} and what it means. docs/configuration.md and the distribution's
 * {@code conf/tessera.yaml} list exactly these keys (tests check both).
 *
 * <p>To add a key: add a component to {@link KernelConfig}, a constant here, and one line in
 * {@link ConfigLoader}'s record assembly; the file, environment and flag layers follow from the
 * name.
 */
public enum ConfigKey {
    SERVER_ADDRESS("server.address", Type.HOST, c -> c.server().address(),
            "Address of the HTTP listener (API and console). `0.0.0.0` listens on every interface."),
    SERVER_PORT("server.port", Type.PORT, c -> c.server().port(),
            "Port of the HTTP listener. `0` picks a free port (printed at start)."),
    SERVER_SHUTDOWN_GRACE("server.shutdownGrace", Type.DURATION, c -> c.server().shutdownGrace(),
            "How long a stop waits for in-flight requests before closing connections."),
    SERVER_HTTPS_PORT("server.https.port", Type.PORT, c -> c.server().https().port(),
            "Port of the HTTPS listener; used only when `server.https.keystore` or `server.https.certificate` is set."),
    SERVER_HTTPS_KEYSTORE("server.https.keystore", Type.OPTIONAL_PATH, c -> c.server().https().keystore(),
            "PKCS12 keystore with the server certificate and key. Setting it turns HTTPS on."),
    SERVER_HTTPS_KEYSTORE_PASSWORD("server.https.keystorePassword", Type.OPTIONAL_SECRET,
            c -> c.server().https().keystorePassword(),
            "Password of `server.https.keystore`; required when the keystore is set."),
    SERVER_HTTPS_CERTIFICATE("server.https.certificate", Type.OPTIONAL_PATH, c -> c.server().https().certificate(),
            "PEM file with the server certificate, followed by its intermediates (a `tls.crt`). Setting it and "
                    + "`server.https.key` turns HTTPS on; not together with `server.https.keystore`."),
    SERVER_HTTPS_KEY("server.https.key", Type.OPTIONAL_PATH, c -> c.server().https().key(),
            "PEM file with the private key of `server.https.certificate` (a `tls.key`: PKCS#8, PKCS#1 RSA or SEC1 EC, "
                    + "unencrypted)."),
    DATA_DIR("dataDir", Type.PATH, KernelConfig::dataDir,
            "Where the kernel keeps its local state: the embedded development cluster (with its admin kubeconfig, "
                    + "whose path `tessera up` prints) and the OSGi bundle cache. Platform state lives in Kubernetes."),
    KUBECONFIG("kubeconfig", Type.OPTIONAL_PATH, KernelConfig::kubeconfig,
            "Kubeconfig of the cluster to run on. Unset: the in-cluster service account when running in a pod, "
                    + "else the embedded development cluster. The environment variable `KUBECONFIG` (one file) "
                    + "is read too, below `TESSERA_KUBECONFIG`."),
    EMBEDDED_CLUSTER_ADDRESS("embeddedCluster.address", Type.HOST, c -> c.embeddedCluster().address(),
            "Address of the embedded development cluster's API server."),
    EMBEDDED_CLUSTER_PORT("embeddedCluster.port", Type.PORT, c -> c.embeddedCluster().port(),
            "Port of the embedded development cluster's API server; `0` picks a free port."),
    IAM_ADMIN_USERNAME("iam.adminUsername", Type.USER_NAME, c -> c.iam().adminUsername(),
            "Name of the bootstrap platform administrator, created when no such user exists."),
    IAM_ADMIN_PASSWORD("iam.adminPassword", Type.SECRET, c -> c.iam().adminPassword(),
            "Initial password of the bootstrap administrator (only used when the user is created)."),
    IAM_OAUTH_CLIENTS("iam.oauthClients", Type.OAUTH_CLIENTS, c -> c.iam().oauthClients(),
            "OAuth2 clients (`id`, `secret`) allowed to request tokens. In the environment or `--set`: "
                    + "`id:secret,id2:secret2`."),
    IAM_ACCESS_TOKEN_MAX_AGE("iam.accessTokenMaxAge", Type.DURATION, c -> c.iam().accessTokenMaxAge(),
            "Lifetime of an access token; `0s` means tokens do not expire (as KubeSphere)."),
    IAM_ACCESS_TOKEN_INACTIVITY_TIMEOUT("iam.accessTokenInactivityTimeout", Type.DURATION,
            c -> c.iam().accessTokenInactivityTimeout(),
            "How much longer than the access token a refresh token lives."),
    IAM_LOGIN_FAILURE_LIMIT("iam.loginFailureLimit", Type.POSITIVE_INT, c -> c.iam().loginFailureLimit(),
            "Failed logins within `iam.loginFailureWindow` after which a user is blocked for a while."),
    IAM_LOGIN_FAILURE_WINDOW("iam.loginFailureWindow", Type.POSITIVE_DURATION, c -> c.iam().loginFailureWindow(),
            "The window in which failed logins are counted."),
    MULTICLUSTER_HOST_CLUSTER_NAME("multicluster.hostClusterName", Type.CLUSTER_NAME, KernelConfig::hostClusterName,
            "This cluster's name in `/clusters/{name}/…` paths (as KubeSphere's `multicluster.hostClusterName`); "
                    + "`host` is always accepted too."),
    EXTENSIONS_REPOSITORY_DIR("extensions.repositoryDir", Type.OPTIONAL_PATH, c -> c.extensions().repositoryDir(),
            "The built-in extension repository (an indexed, signed directory; docs/marketplace.md): the kernel "
                    + "creates the Repository `builtin` pointing at it. Unset: the distribution's `repository/`."),
    EXTENSIONS_TRUSTED_KEYS_DIR("extensions.trustedKeysDir", Type.OPTIONAL_PATH, c -> c.extensions().trustedKeysDir(),
            "A directory of PEM public keys (`*.pem`, `*.pub`) trusted to sign extension packages, in addition to "
                    + "the distribution's `conf/trusted-keys/` and the Secret `kubesphere-system/tessera-trusted-keys`; "
                    + "read at every check, so keys rotate without a restart. The Helm chart sets `/etc/tessera/trusted-keys`."),
    EXTENSIONS_REPOSITORY_SYNC_INTERVAL("extensions.repositorySyncInterval", Type.POSITIVE_DURATION,
            c -> c.extensions().repositorySyncInterval(),
            "How often a Repository is synced when its `spec.updateStrategy.registryPoll.interval` is not set."),
    LEADER_ELECTION_LEASE_DURATION("leaderElection.leaseDuration", Type.POSITIVE_DURATION,
            c -> c.leaderElection().leaseDuration(),
            "How long a kernel replica holds a leader Lease (in `kubesphere-system`) without renewing it; work that runs on "
                    + "one replica at a time (the tenancy controllers) moves to another replica at most this long after "
                    + "its leader dies. Must be longer than `leaderElection.renewDeadline`."),
    LEADER_ELECTION_RENEW_DEADLINE("leaderElection.renewDeadline", Type.POSITIVE_DURATION,
            c -> c.leaderElection().renewDeadline(),
            "A leader that has not renewed its Lease for this long stops its work. Must be longer than "
                    + "`leaderElection.retryPeriod`."),
    LEADER_ELECTION_RETRY_PERIOD("leaderElection.retryPeriod", Type.POSITIVE_DURATION,
            c -> c.leaderElection().retryPeriod(),
            "How often a leader renews its Lease and the other replicas try to take it."),
    QUOTA_WEBHOOK_URL("quotaWebhook.url", Type.OPTIONAL_HTTPS_URL, c -> c.quotaWebhook().url(),
            "The kernel's HTTPS base URL as the Kubernetes API server reaches it (e.g. "
                    + "`https://tessera-webhook.kubesphere-system.svc:443`). Set: the kernel registers the validating "
                    + "admission webhook for workspace quotas (docs/tenancy.md). Unset: no webhook (the embedded cluster "
                    + "calls none)."),
    QUOTA_WEBHOOK_CA_FILE("quotaWebhook.caFile", Type.OPTIONAL_PATH, c -> c.quotaWebhook().caFile(),
            "PEM file of the CA that signed the certificate behind `quotaWebhook.url` (its `caBundle`). Unset: the API "
                    + "server's own trust store."),
    DEBUG("debug", Type.BOOLEAN, KernelConfig::debug,
            "Verbose logs for Tessera's own packages, and stack traces with errors.");

    /** What a key's values may be; each type has one parser in {@link ConfigLoader}. */
    public enum Type {
        HOST, PORT, DURATION, POSITIVE_DURATION, PATH, OPTIONAL_PATH, SECRET, OPTIONAL_SECRET, USER_NAME, CLUSTER_NAME,
        POSITIVE_INT, BOOLEAN, OAUTH_CLIENTS, OPTIONAL_HTTPS_URL;

        /** True when the key may be absent (no value, no default). */
        public boolean optional() {
            return this == OPTIONAL_PATH || this == OPTIONAL_SECRET || this == OPTIONAL_HTTPS_URL;
        }
    }

    private final String key;
    private final Type type;
    private final Function<KernelConfig, Object> read;
    private final String description;

    ConfigKey(String key, Type type, Function<KernelConfig, Object> read, String description) {
        this.key = key;
        this.type = type;
        this.read = read;
        this.description = description;
    }

    /** The full dotted name, e.g. {@code server.https.port}. */
    public String key() {
        return key;
    }

    public Type type() {
        return type;
    }

    public String description() {
        return description;
    }

    /** This key's value in a configuration. */
    public Object valueIn(KernelConfig config) {
        return read.apply(config);
    }

    /** The environment variable for this key: {@code server.https.keystorePassword} → {@code TESSERA_SERVER_HTTPS_KEYSTORE_PASSWORD}. */
    public String environmentVariable() {
        return ENV_PREFIX + toEnvironmentName(key);
    }

    static final String ENV_PREFIX = "TESSERA_";

    /** {@code embeddedCluster.port} → {@code EMBEDDED_CLUSTER_PORT}. */
    static String toEnvironmentName(String dotted) {
        StringBuilder out = new StringBuilder();
        for (char c : dotted.toCharArray()) {
            if (c == '.') {
                out.append('_');
            } else if (Character.isUpperCase(c)) {
                out.append('_').append(c);
            } else {
                out.append(Character.toUpperCase(c));
            }
        }
        return out.toString().toUpperCase(Locale.ROOT);
    }

    /**
     * This key's built-in default as written in docs and YAML ({@code 10s}, {@code 8080},
     * {@code kubesphere:kubesphere}); {@code dataDir}'s default is chosen by the launcher.
     */
    public String defaultText() {
        if (this == DATA_DIR) {
            return "<distribution>/data";
        }
        if (this == EXTENSIONS_REPOSITORY_DIR) {
            return "<distribution>/repository";
        }
        return format(valueIn(KernelConfig.defaults(java.nio.file.Path.of("data"))));
    }

    /** A value as it would be written in the YAML file; {@code (none)} for an absent one. */
    public static String format(Object value) {
        if (value == null) {
            return "(none)";
        }
        if (value instanceof java.time.Duration d) {
            return formatDuration(d);
        }
        if (value instanceof java.util.List<?> list) {
            StringBuilder out = new StringBuilder();
            for (Object item : list) {
                KernelConfig.OAuthClient client = (KernelConfig.OAuthClient) item;
                out.append(out.isEmpty() ? "" : ",").append(client.id()).append(':').append(client.secret());
            }
            return out.toString();
        }
        return value.toString();
    }

    /** Go-style, as KubeSphere writes durations: {@code 2h}, {@code 30m}, {@code 1h30m}, {@code 500ms}. */
    static String formatDuration(java.time.Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        long h = d.toHours();
        int m = d.toMinutesPart();
        int s = d.toSecondsPart();
        int ms = d.toMillisPart();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (m > 0) {
            out.append(m).append('m');
        }
        if (s > 0) {
            out.append(s).append('s');
        }
        if (ms > 0) {
            out.append(ms).append("ms");
        }
        return out.toString();
    }

    /** The key with this dotted name, or null. */
    public static ConfigKey byName(String dotted) {
        for (ConfigKey k : values()) {
            if (k.key.equals(dotted)) {
                return k;
            }
        }
        return null;
    }
}
