package io.tessera.kernel.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The three layers (file, environment, flags), their precedence, and every kind of refusal. */
class ConfigLoaderTest {

    @TempDir
    Path tmp;

    Path dataDir;
    Path kubeconfig;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = tmp.resolve("data");
        kubeconfig = tmp.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: c
                  cluster: {server: "https://127.0.0.1:6443"}
                """);
    }

    private ConfigLoader loader() {
        return new ConfigLoader(dataDir).workingDirectory(tmp);
    }

    private Path yaml(String text) throws IOException {
        Path file = tmp.resolve("conf").resolve("tessera.yaml");
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return file;
    }

    private static String problemsOf(ConfigLoader loader) {
        try {
            loader.load();
        } catch (ConfigException e) {
            return e.getMessage();
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    // ---- quota webhook and leader election ----------------------------------------------------

    @Test
    void quotaWebhookKeepsItsEnvironmentNamesBelowFlagsAndAboveTheFile() throws Exception {
        Path ca = Files.writeString(tmp.resolve("ca.crt"), "pem");
        Path file = yaml("quotaWebhook:\n  url: https://from-file.example:443\n");
        KernelConfig fromEnv = loader().file(file, true).environment(java.util.Map.of(
                "TESSERA_QUOTA_WEBHOOK_URL", "https://tessera-webhook.kubesphere-system.svc:443",
                "TESSERA_QUOTA_WEBHOOK_CA_FILE", ca.toString())).load();
        assertThat(fromEnv.quotaWebhook().url()).hasToString("https://tessera-webhook.kubesphere-system.svc:443");
        assertThat(fromEnv.quotaWebhook().caFile()).isEqualTo(ca);
        KernelConfig fromFlag = loader().file(file, true).flag("quotaWebhook.url", "https://from-flag.example", "--set").load();
        assertThat(fromFlag.quotaWebhook().url()).hasToString("https://from-flag.example");
        assertThat(loader().load().quotaWebhook().url()).isNull();
    }

    @Test
    void quotaWebhookRefusesPlainHttpAndACaWithoutUrlOrFile() {
        assertThat(problemsOf(loader().flag("quotaWebhook.url", "http://kernel:8080", "--set")))
                .contains("quotaWebhook.url").contains("https://host");
        assertThat(problemsOf(loader().flag("quotaWebhook.caFile", tmp.resolve("missing.crt").toString(), "--set")))
                .contains("set without quotaWebhook.url").contains("no such file");
    }

    @Test
    void leaderElectionTimingsMustNest() throws Exception {
        KernelConfig ok = loader().environment(java.util.Map.of("TESSERA_LEADER_ELECTION_LEASE_DURATION", "30s",
                "TESSERA_LEADER_ELECTION_RENEW_DEADLINE", "20s", "TESSERA_LEADER_ELECTION_RETRY_PERIOD", "5s")).load();
        assertThat(ok.leaderElection()).isEqualTo(new KernelConfig.LeaderElection(java.time.Duration.ofSeconds(30),
                java.time.Duration.ofSeconds(20), java.time.Duration.ofSeconds(5)));
        assertThat(problemsOf(loader().flag("leaderElection.renewDeadline", "15s", "--set")))
                .contains("leaderElection.renewDeadline").contains("must be shorter than leaderElection.leaseDuration (15s)");
        assertThat(problemsOf(loader().flag("leaderElection.retryPeriod", "10s", "--set")))
                .contains("must be shorter than leaderElection.renewDeadline (10s)");
    }

    // ---- defaults and precedence ----------------------------------------------------------------

    @Test
    void noLayersGiveTheBuiltInDefaults() throws Exception {
        assertThat(loader().load()).isEqualTo(KernelConfig.defaults(dataDir));
    }

    @Test
    void emptyOrCommentOnlyFileGivesTheDefaults() throws Exception {
        assertThat(loader().file(yaml("# nothing set\n"), true).load()).isEqualTo(KernelConfig.defaults(dataDir));
    }

    @Test
    void missingDefaultFileIsFineButMissingNamedFileIsRefused() throws Exception {
        Path missing = tmp.resolve("nope.yaml");
        assertThat(loader().file(missing, false).load()).isEqualTo(KernelConfig.defaults(dataDir));
        assertThat(problemsOf(loader().file(missing, true))).contains(missing.toString()).contains("no such file");
    }

    @Test
    void fileSetsEveryKindOfValue() throws Exception {
        Path file = yaml("""
                server:
                  address: 0.0.0.0
                  port: 9000
                  shutdownGrace: 1m30s
                dataDir: state
                kubeconfig: ../kubeconfig
                embeddedCluster:
                  port: 16443
                iam:
                  adminUsername: root
                  adminPassword: s3cret!
                  oauthClients:
                    - id: kubesphere
                      secret: other
                    - id: cli
                      secret: cli-secret
                  accessTokenMaxAge: 0s
                  loginFailureLimit: 3
                debug: true
                """);
        KernelConfig c = loader().file(file, true).load();
        assertThat(c.server().address()).isEqualTo("0.0.0.0");
        assertThat(c.server().port()).isEqualTo(9000);
        assertThat(c.server().shutdownGrace()).isEqualTo(Duration.ofSeconds(90));
        // relative paths in the file are relative to the file's folder
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("conf/state"));
        assertThat(c.kubeconfig()).isEqualTo(kubeconfig);
        assertThat(c.embeddedCluster().port()).isEqualTo(16443);
        assertThat(c.embeddedCluster().address()).isEqualTo("127.0.0.1");
        assertThat(c.iam().adminUsername()).isEqualTo("root");
        assertThat(c.iam().adminPassword()).isEqualTo("s3cret!");
        assertThat(c.iam().oauthClients()).containsExactly(
                new KernelConfig.OAuthClient("kubesphere", "other"), new KernelConfig.OAuthClient("cli", "cli-secret"));
        assertThat(c.iam().accessTokenMaxAge()).isZero();
        assertThat(c.iam().accessTokenInactivityTimeout()).isEqualTo(Duration.ofMinutes(30));
        assertThat(c.iam().loginFailureLimit()).isEqualTo(3);
        assertThat(c.debug()).isTrue();
    }

    @Test
    void environmentBeatsFileAndFlagsBeatEnvironment() throws Exception {
        Path file = yaml("server: {port: 9000, address: 127.0.0.1}\niam: {adminPassword: from-file}\n");
        Map<String, String> env = Map.of("TESSERA_SERVER_PORT", "9100", "TESSERA_IAM_ADMIN_PASSWORD", "from-env");

        KernelConfig fileAndEnv = loader().file(file, true).environment(env).load();
        assertThat(fileAndEnv.server().port()).isEqualTo(9100);
        assertThat(fileAndEnv.iam().adminPassword()).isEqualTo("from-env");

        KernelConfig all = loader().file(file, true).environment(env).flag("server.port", "9200", "--port").load();
        assertThat(all.server().port()).isEqualTo(9200);
        assertThat(all.iam().adminPassword()).isEqualTo("from-env");
    }

    @Test
    void relativePathsFromEnvironmentAndFlagsAreRelativeToTheWorkingDirectory() throws Exception {
        KernelConfig c = loader().environment(Map.of("TESSERA_DATA_DIR", "from-env")).load();
        assertThat(c.dataDir()).isEqualTo(tmp.resolve("from-env"));
        KernelConfig f = loader().flag("dataDir", "from-flag", "--data-dir").load();
        assertThat(f.dataDir()).isEqualTo(tmp.resolve("from-flag"));
    }

    @Test
    void emptyEnvironmentVariableCountsAsUnset() throws Exception {
        assertThat(loader().environment(Map.of("TESSERA_SERVER_PORT", "")).load().server().port()).isEqualTo(8080);
    }

    @Test
    void kubeconfigVariableIsReadBelowTesseraKubeconfig() throws Exception {
        Path other = tmp.resolve("other-kubeconfig");
        Files.copy(kubeconfig, other);
        assertThat(loader().environment(Map.of("KUBECONFIG", kubeconfig.toString())).load().kubeconfig())
                .isEqualTo(kubeconfig);
        assertThat(loader().environment(Map.of("KUBECONFIG", kubeconfig.toString(),
                "TESSERA_KUBECONFIG", other.toString())).load().kubeconfig()).isEqualTo(other);
        assertThat(loader().environment(Map.of("KUBECONFIG", kubeconfig.toString()))
                .flag("kubeconfig", other.toString(), "--kubeconfig").load().kubeconfig()).isEqualTo(other);
    }

    @Test
    void everyKeyHasAnEnvironmentVariable() throws Exception {
        assertThat(ConfigKey.SERVER_HTTPS_KEYSTORE_PASSWORD.environmentVariable())
                .isEqualTo("TESSERA_SERVER_HTTPS_KEYSTORE_PASSWORD");
        assertThat(ConfigKey.EMBEDDED_CLUSTER_PORT.environmentVariable()).isEqualTo("TESSERA_EMBEDDED_CLUSTER_PORT");
        assertThat(ConfigKey.DATA_DIR.environmentVariable()).isEqualTo("TESSERA_DATA_DIR");
        KernelConfig c = loader().environment(Map.of(
                "TESSERA_SERVER_ADDRESS", "localhost",
                "TESSERA_SERVER_SHUTDOWN_GRACE", "500ms",
                "TESSERA_EMBEDDED_CLUSTER_PORT", "16000",
                "TESSERA_IAM_OAUTH_CLIENTS", "a:b, c:d",
                "TESSERA_IAM_LOGIN_FAILURE_WINDOW", "PT5M",
                "TESSERA_DEBUG", "TRUE")).load();
        assertThat(c.server().address()).isEqualTo("localhost");
        assertThat(c.server().shutdownGrace()).isEqualTo(Duration.ofMillis(500));
        assertThat(c.embeddedCluster().port()).isEqualTo(16000);
        assertThat(c.iam().oauthClients()).containsExactly(
                new KernelConfig.OAuthClient("a", "b"), new KernelConfig.OAuthClient("c", "d"));
        assertThat(c.iam().loginFailureWindow()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.debug()).isTrue();
    }

    // ---- refusals -----------------------------------------------------------------------------

    @Test
    void unknownKeysAreRefusedWithTheirFullDottedName() throws Exception {
        Path file = yaml("server:\n  prot: 9000\n  https:\n    keystor: x.p12\nfoo: 1\n");
        String message = problemsOf(loader().file(file, true));
        assertThat(message)
                .contains("server.prot (" + file + "): unknown key; known keys under server: address, port, shutdownGrace, https")
                .contains("server.https.keystor (")
                .contains("foo (");
    }

    @Test
    void badValuesAreRefusedWithKeySourceAndReason() throws Exception {
        Path file = yaml("server:\n  port: eighty\niam:\n  adminUsername: Admin\n  loginFailureLimit: 0\ndebug: yes-please\n");
        String message = problemsOf(loader().file(file, true));
        assertThat(message)
                .startsWith("bad configuration: ")
                .contains("server.port (" + file + "): 'eighty' is not a port number")
                .contains("iam.adminUsername (" + file + "): 'Admin' is not a valid user name")
                .contains("iam.loginFailureLimit (" + file + "): '0' must be at least 1")
                .contains("debug (" + file + "): 'yes-please' is neither true nor false");
        assertThat(message).doesNotContain("\n");
    }

    @Test
    void badEnvironmentValueNamesTheVariable() {
        String message = problemsOf(loader().environment(Map.of("TESSERA_IAM_ACCESS_TOKEN_MAX_AGE", "2x")));
        assertThat(message).contains("iam.accessTokenMaxAge (TESSERA_IAM_ACCESS_TOKEN_MAX_AGE): '2x' is not a duration");
    }

    @Test
    void badFlagValueNamesTheFlag() {
        assertThat(problemsOf(loader().flag("server.port", "70000", "--port")))
                .contains("server.port (--port): '70000' is not a port number");
        assertThat(problemsOf(loader().flag("server.nope", "1", "--set server.nope")))
                .contains("server.nope (--set server.nope): unknown key");
    }

    @Test
    void misspelledConfigVariableIsRefusedButClientVariablesAreNotConfig() throws Exception {
        assertThat(problemsOf(loader().environment(Map.of("TESSERA_SERVER_PROT", "1"))))
                .contains("TESSERA_SERVER_PROT (environment): no such configuration variable");
        assertThat(problemsOf(loader().environment(Map.of("TESSERA_IAM_ADMIN_PASSWROD", "x"))))
                .contains("TESSERA_IAM_ADMIN_PASSWROD");
        // TESSERA_SERVER is the CLI client's server URL, TESSERA_JAVA_OPTS the launcher's JVM options
        assertThat(loader().environment(Map.of("TESSERA_SERVER", "https://x", "TESSERA_JAVA_OPTS", "-Xmx1g")).load())
                .isEqualTo(KernelConfig.defaults(dataDir));
    }

    @Test
    void aBadValueIsRefusedEvenWhereAHigherLayerOverridesIt() throws Exception {
        Path file = yaml("server: {port: abc}\n");
        assertThat(problemsOf(loader().file(file, true).flag("server.port", "1234", "--port")))
                .contains("server.port (" + file + ")");
    }

    @Test
    void invalidYamlAndDuplicateKeysAreRefused() throws Exception {
        Path broken = yaml("server:\n  port: [1\n");
        assertThat(problemsOf(loader().file(broken, true))).contains(broken + ": not valid YAML at line");
        Path dup = yaml("server:\n  port: 1\n  port: 2\n");
        assertThat(problemsOf(loader().file(dup, true))).contains("not valid YAML").contains("port");
    }

    @Test
    void wrongShapesAreRefused() throws Exception {
        assertThat(problemsOf(loader().file(yaml("- a\n- b\n"), true))).contains("expected a mapping of keys (server,");
        assertThat(problemsOf(loader().file(yaml("server: 8080\n"), true)))
                .contains("server (").contains("expected a mapping of address, port, shutdownGrace, https");
        assertThat(problemsOf(loader().file(yaml("server: {port: [1, 2]}\n"), true)))
                .contains("server.port (").contains("expected a single value, not a list");
        assertThat(problemsOf(loader().file(yaml("server: {port: }\n"), true)))
                .contains("server.port (").contains("no value given");
    }

    @Test
    void optionalKeysMayBeNull() throws Exception {
        KernelConfig c = loader().file(yaml("kubeconfig: ~\nserver: {https: {keystore: }}\n"), true).load();
        assertThat(c.kubeconfig()).isNull();
        assertThat(c.server().https().enabled()).isFalse();
    }

    @Test
    void oauthClientProblemsNameTheListItem() throws Exception {
        Path file = yaml("""
                iam:
                  oauthClients:
                    - id: a
                      secret: x
                      name: nope
                    - id: a
                      secret: y
                    - secret: z
                """);
        assertThat(problemsOf(loader().file(file, true)))
                .contains("iam.oauthClients[0].name (").contains("unknown key; known keys: id, secret")
                .contains("iam.oauthClients[2].id (").contains("missing");
        assertThat(problemsOf(loader().environment(Map.of("TESSERA_IAM_OAUTH_CLIENTS", "a:x,a:y"))))
                .contains("iam.oauthClients[1].id (TESSERA_IAM_OAUTH_CLIENTS): 'a' is listed more than once");
        assertThat(problemsOf(loader().environment(Map.of("TESSERA_IAM_OAUTH_CLIENTS", "just-an-id"))))
                .contains("'just-an-id' is not id:secret");
        assertThat(problemsOf(loader().file(yaml("iam: {oauthClients: []}\n"), true)))
                .contains("at least one client is needed");
    }

    @Test
    void allProblemsAreReportedTogether() {
        ConfigLoader loader = loader().environment(Map.of("TESSERA_SERVER_PORT", "x", "TESSERA_DEBUG", "maybe"));
        try {
            loader.load();
            throw new AssertionError("expected a refusal");
        } catch (ConfigException e) {
            assertThat(e.problems()).extracting(ConfigException.Problem::key).containsExactlyInAnyOrder("server.port", "debug");
        }
    }

    @Test
    void kubeconfigMustBeReadableAndAKubeconfig() throws Exception {
        Path missing = tmp.resolve("missing");
        assertThat(problemsOf(loader().flag("kubeconfig", missing.toString(), "--kubeconfig")))
                .isEqualTo("bad configuration: kubeconfig (--kubeconfig): cannot read " + missing + ": no such file");
        Path notKube = tmp.resolve("not-kube.yaml");
        Files.writeString(notKube, "hello: world\n");
        assertThat(problemsOf(loader().environment(Map.of("KUBECONFIG", notKube.toString()))))
                .contains("kubeconfig (KUBECONFIG): " + notKube + " is not a kubeconfig");
        Path dir = Files.createDirectories(tmp.resolve("a-dir"));
        assertThat(problemsOf(loader().flag("kubeconfig", dir.toString(), "--kubeconfig")))
                .contains("kubeconfig (--kubeconfig): cannot read " + dir);
    }

    @Test
    void severalFilesInKubeconfigVariableAreRefusedUnlessOverridden() throws Exception {
        String list = kubeconfig + ":" + kubeconfig;
        assertThat(problemsOf(loader().environment(Map.of("KUBECONFIG", list))))
                .contains("kubeconfig (KUBECONFIG): lists several files");
        assertThat(loader().environment(Map.of("KUBECONFIG", list))
                .flag("kubeconfig", kubeconfig.toString(), "--kubeconfig").load().kubeconfig()).isEqualTo(kubeconfig);
    }

    @Test
    void dataDirMustBeACreatableDirectory() throws Exception {
        Path file = Files.writeString(tmp.resolve("a-file"), "x");
        assertThat(problemsOf(loader().flag("dataDir", file.toString(), "--data-dir")))
                .contains("dataDir (--data-dir): " + file + " exists and is not a directory");
        assertThat(problemsOf(loader().flag("dataDir", file.resolve("below").toString(), "--data-dir")))
                .contains("dataDir (--data-dir): cannot create " + file.resolve("below"));
    }

    @Test
    void httpsNeedsAReadableKeystoreAPasswordAndItsOwnPort() throws Exception {
        Path ks = Files.writeString(tmp.resolve("ks.p12"), "not really a keystore, the kernel reads it");
        assertThat(problemsOf(loader().file(yaml("server: {https: {keystore: ../ks.p12}}\n"), true)))
                .contains("server.https.keystorePassword (").contains("required when server.https.keystore is set");
        assertThat(problemsOf(loader().file(yaml("server: {port: 8443, https: {keystore: ../missing.p12, keystorePassword: p}}\n"), true)))
                .contains("server.https.keystore (").contains("no such file")
                .contains("server.https.port (default): same port as server.port (8443)");
        KernelConfig ok = loader().file(yaml("server: {https: {keystore: ../ks.p12, keystorePassword: p, port: 9443}}\n"), true).load();
        assertThat(ok.server().https().enabled()).isTrue();
        assertThat(ok.server().https().keystore()).isEqualTo(ks);
        assertThat(ok.server().https().port()).isEqualTo(9443);
    }

    @Test
    void httpsFromPemNeedsBothReadableFilesAndNoKeystore() throws Exception {
        Path crt = Files.writeString(tmp.resolve("tls.crt"), "the kernel reads it");
        Path key = Files.writeString(tmp.resolve("tls.key"), "the kernel reads it");
        Files.writeString(tmp.resolve("ks.p12"), "a keystore");
        assertThat(problemsOf(loader().file(yaml("server: {https: {certificate: ../tls.crt}}\n"), true)))
                .contains("server.https.key (").contains("required when server.https.certificate is set");
        assertThat(problemsOf(loader().file(yaml("server: {https: {key: ../tls.key}}\n"), true)))
                .contains("server.https.certificate (").contains("required when server.https.key is set");
        assertThat(problemsOf(loader().file(yaml("server: {https: {certificate: ../tls.crt, key: ../missing.key}}\n"), true)))
                .contains("server.https.key (").contains("no such file");
        assertThat(problemsOf(loader().file(yaml(
                "server: {https: {keystore: ../ks.p12, keystorePassword: p, certificate: ../tls.crt, key: ../tls.key}}\n"), true)))
                .contains("set either server.https.keystore or server.https.certificate and server.https.key, not both");
        KernelConfig ok = loader().file(yaml("server: {https: {certificate: ../tls.crt, key: ../tls.key}}\n"), true).load();
        assertThat(ok.server().https().enabled()).isTrue();
        assertThat(ok.server().https().certificate()).isEqualTo(crt);
        assertThat(ok.server().https().key()).isEqualTo(key);
        assertThat(ok.server().https().keystore()).isNull();
    }

    @Test
    void unknownHostIsRefused() {
        assertThat(problemsOf(loader().flag("server.address", "no-such-host.invalid", "--address")))
                .contains("server.address (--address): 'no-such-host.invalid' is neither an IP address nor a host name");
    }

    // ---- value syntax -------------------------------------------------------------------------

    @Test
    void durationsInGoAndIsoSyntax() {
        assertThat(ConfigLoader.parseDuration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(ConfigLoader.parseDuration("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(ConfigLoader.parseDuration("2h0m0s")).isEqualTo(Duration.ofHours(2));
        assertThat(ConfigLoader.parseDuration("1.5s")).isEqualTo(Duration.ofMillis(1500));
        assertThat(ConfigLoader.parseDuration("0")).isZero();
        assertThat(ConfigLoader.parseDuration("PT10M")).isEqualTo(Duration.ofMinutes(10));
        for (String bad : List.of("10", "h", "-1s", "1x", "1h 30m", "", "PT-1S", "1hh")) {
            assertThatThrownBy(() -> ConfigLoader.parseDuration(bad)).as(bad)
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duration");
        }
    }

    @Test
    void durationsAreFormattedAsTheyAreWritten() {
        assertThat(ConfigKey.formatDuration(Duration.ofMinutes(90))).isEqualTo("1h30m");
        assertThat(ConfigKey.formatDuration(Duration.ofMillis(1500))).isEqualTo("1s500ms");
        assertThat(ConfigKey.formatDuration(Duration.ZERO)).isEqualTo("0s");
        for (ConfigKey key : ConfigKey.values()) {
            if (key.valueIn(KernelConfig.defaults(dataDir)) instanceof Duration d) {
                assertThat(ConfigLoader.parseDuration(key.defaultText())).as(key.key()).isEqualTo(d);
            }
        }
    }

    @Test
    void ports() {
        assertThat(ConfigLoader.parsePort("0")).isZero();
        assertThat(ConfigLoader.parsePort("65535")).isEqualTo(65535);
        for (String bad : List.of("-1", "65536", "80a", "")) {
            assertThatThrownBy(() -> ConfigLoader.parsePort(bad)).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
