package io.tessera.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/extension-guide.md as a new user follows it, with the built distribution: {@code tessera
 * ext new acme-hello}, build and test it with its Maven wrapper (offline: Tessera's artifacts only
 * from the distribution's sdk/, everything else from this machine's Maven cache, nothing written
 * into it), {@code key new}, {@code repo index} and {@code repo sign} into a folder, trust the key
 * (the Secret of step 6), log in at a real {@code tessera up} over HTTPS with its development
 * certificate, {@code repo add}, {@code ext install}, call the extension's API with the session's
 * token, {@code ext uninstall}.
 *
 * <p>Every {@code tessera} runs as the user would run it: a child process of bin/tessera, with a
 * home and a configuration folder of its own (so the build's signing key and the developer's real
 * session are never touched).
 */
class ExtensionGuideIT {

    private static final Path DIST = Path.of(System.getProperty("tessera.distribution"));
    private static final Duration BOOT = Duration.ofSeconds(120);
    private static final Duration COMMAND = Duration.ofMinutes(3);
    private static final Duration BUILD = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void fromExtNewToAnInstalledExtensionAndBack() throws Exception {
        Path home = Files.createDirectories(tmp.resolve("home"));
        Path work = Files.createDirectories(tmp.resolve("work"));
        Path data = tmp.resolve("data");

        try (Proc up = tessera(work, "up", "--port", "0", "--set", "server.https.port=0", "--data-dir", data.toString())) {
            // while the platform boots: the developer's part needs no server
            // 1. create the project
            Proc created = tessera(work, "ext", "new", "acme-hello");
            assertThat(created.awaitExit(COMMAND)).as(created.output()).isZero();
            Path project = work.resolve("acme-hello");
            assertThat(project.resolve("mvnw")).isExecutable();

            // 2. build and test it (./mvnw verify): offline, Tessera's artifacts from sdk/ only
            Path localRepository = tmp.resolve("m2");
            try (Proc build = maven(project, localRepository, "verify")) {
                assertThat(build.awaitExit(BUILD)).as(build.output()).isZero();
                assertThat(build.output()).contains("Tests run: 2, Failures: 0, Errors: 0");
            }
            assertThat(project.resolve("target/acme-hello-1.0.0.tsx.zip")).exists();
            assertThat(localRepository.resolve("io/tessera/tessera-extension-testkit")).as("taken from the SDK").isDirectory();

            // 3. a signing key (in this test's home)
            Proc key = tessera(work, "key", "new");
            assertThat(key.awaitExit(COMMAND)).as(key.output()).isZero();
            Path publicKey = home.resolve(".tessera/signing-key.pub");
            assertThat(publicKey).exists();

            // 4. a signed repository
            Path repo = Files.createDirectories(home.resolve("acme-repo"));
            Files.copy(project.resolve("target/acme-hello-1.0.0.tsx.zip"), repo.resolve("acme-hello-1.0.0.tsx.zip"));
            Proc index = tessera(work, "repo", "index", repo.toString());
            assertThat(index.awaitExit(COMMAND)).as(index.output()).isZero();
            Proc sign = tessera(work, "repo", "sign", repo.toString());
            assertThat(sign.awaitExit(COMMAND)).as(sign.output()).isZero();
            Proc verify = tessera(work, "repo", "verify", repo.toString(), "--trust", publicKey.toString());
            assertThat(verify.awaitExit(COMMAND)).as(verify.output()).isZero();

            // 5. log in over HTTPS with the line the banner prints
            Matcher cli = up.awaitStdout(Pattern.compile("CLI:\\s+tessera login --server (https://\\S+) --certificate-authority (\\S+)"), BOOT);
            String server = cli.group(1);
            Path certificate = Path.of(cli.group(2));
            assertThat(certificate).isEqualTo(data.resolve("tls/serving.crt"));
            up.awaitStdout(Pattern.compile("Press Ctrl-C to stop"), BOOT);
            String http = up.awaitStdout(Pattern.compile("Console:\\s+(http://\\S+)"), BOOT).group(1).replaceAll("/$", "");
            Proc login = tessera(work, "login", "--server", server, "--certificate-authority", certificate.toString(),
                    "--username", "admin", "--password", "P@88w0rd");
            assertThat(login.awaitExit(COMMAND)).as(login.output()).isZero();
            Path session = home.resolve(".config/tessera/session.json");
            assertThat(session).exists();
            assertThat(data).as("the session is not in the data dir").isDirectoryNotContaining("glob:**/session.json");

            // 6. trust the key: the Secret kubesphere-system/tessera-trusted-keys
            trust(work, server, publicKey);

            // 7. add the repository (waits for its first sync)
            Proc add = tessera(work, "repo", "add", "acme", repo.toString());
            assertThat(add.awaitExit(COMMAND)).as(add.output()).isZero();
            assertThat(add.output()).contains("acme synced at").contains("1 extension(s)");
            Proc list = tessera(work, "repo", "list");
            assertThat(list.awaitExit(COMMAND)).as(list.output()).isZero();
            assertThat(list.output()).containsPattern("acme\\s+file://\\S+acme-repo\\s+-\\s+True");

            // 8. install it
            Proc search = tessera(work, "ext", "search", "acme");
            assertThat(search.awaitExit(COMMAND)).as(search.output()).isZero();
            assertThat(search.output()).containsPattern("acme-hello\\s+1\\.0\\.0");
            Proc install = tessera(work, "ext", "install", "acme-hello");
            assertThat(install.awaitExit(COMMAND)).as(install.output()).isZero();
            assertThat(install.output()).contains("Installing acme-hello 1.0.0").contains("  Installed").contains("acme-hello 1.0.0 installed");

            // 9. call its API with the session's token
            Proc token = tessera(work, "token");
            assertThat(token.awaitExit(COMMAND)).as(token.output()).isZero();
            String bearer = token.stdout().strip();
            HttpResponse<String> hello = get(http + "/kapis/acme-hello.example.com/v1alpha1/hello", bearer);
            assertThat(hello.statusCode()).as(hello.body()).isEqualTo(200);
            assertThat(JSON.readTree(hello.body()).path("message").asText()).isEqualTo("Hello, admin!");

            // 10. uninstall it: the route is gone
            Proc uninstall = tessera(work, "ext", "uninstall", "acme-hello");
            assertThat(uninstall.awaitExit(COMMAND)).as(uninstall.output()).isZero();
            assertThat(uninstall.output()).contains("acme-hello uninstalled");
            assertThat(get(http + "/kapis/acme-hello.example.com/v1alpha1/hello", bearer).statusCode()).isEqualTo(404);

            Proc logout = tessera(work, "logout");
            assertThat(logout.awaitExit(COMMAND)).as(logout.output()).isZero();
            assertThat(session).doesNotExist();
            Proc afterLogout = tessera(work, "ext", "list");
            assertThat(afterLogout.awaitExit(COMMAND)).isEqualTo(1);
            assertThat(afterLogout.stderr()).contains("not logged in");

            up.process().toHandle().destroy();
            assertThat(up.awaitExit(Duration.ofSeconds(60))).as(up.output()).isZero();
        }
    }

    /**
     * Step 6 of the guide: {@code tessera kubeconfig}, then kubectl creates the Secret. Without a
     * kubectl on this machine, the same request kubectl makes, through the platform's API.
     */
    private void trust(Path work, String server, Path publicKey) throws Exception {
        Path kubeconfig = tmp.resolve("admin.kubeconfig");
        Proc fetch = tessera(work, "kubeconfig", "--server", server, "--insecure-skip-tls-verify", "--username", "admin",
                "--password", "P@88w0rd", "-o", kubeconfig.toString());
        assertThat(fetch.awaitExit(COMMAND)).as(fetch.output()).isZero();
        if (onPath("kubectl")) {
            ProcessBuilder kubectl = new ProcessBuilder("kubectl", "--kubeconfig", kubeconfig.toString(), "-n", "kubesphere-system",
                    "create", "secret", "generic", "tessera-trusted-keys", "--from-file=acme.pub=" + publicKey)
                    .directory(work.toFile());
            kubectl.environment().remove("KUBECONFIG");
            try (Proc p = new Proc(kubectl.start())) {
                assertThat(p.awaitExit(COMMAND)).as(p.output()).isZero();
            }
            return;
        }
        Proc token = tessera(work, "token");
        assertThat(token.awaitExit(COMMAND)).isZero();
        Map<String, Object> secret = Map.of("apiVersion", "v1", "kind", "Secret",
                "metadata", Map.of("name", "tessera-trusted-keys", "namespace", "kubesphere-system"),
                "data", Map.of("acme.pub", Base64.getEncoder().encodeToString(Files.readAllBytes(publicKey))));
        // kubectl trusts the certificate in the kubeconfig; this request skips the check instead
        HttpResponse<String> created = insecureHttps().send(HttpRequest.newBuilder(URI.create(server + "/api/v1/namespaces/kubesphere-system/secrets"))
                .header("Authorization", "Bearer " + token.stdout().strip()).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(secret))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    private static HttpClient insecureHttps() throws Exception {
        javax.net.ssl.SSLContext ssl = javax.net.ssl.SSLContext.getInstance("TLS");
        ssl.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509ExtendedTrustManager() {
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, java.net.Socket s) { }
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a, javax.net.ssl.SSLEngine e) { }
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) { }
            public java.security.cert.X509Certificate[] getAcceptedIssuers() { return new java.security.cert.X509Certificate[0]; }
        }}, null);
        return HttpClient.newBuilder().sslContext(ssl).build();
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> get(String url, String bearer) throws IOException, InterruptedException {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + bearer)
                .timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** bin/tessera as the user runs it, with this test's home (signing key) and configuration folder (session). */
    private Proc tessera(Path workDir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(DIST.resolve("bin/tessera").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workDir.toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().keySet().removeIf(n -> n.startsWith("TESSERA_"));
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().put("XDG_CONFIG_HOME", tmp.resolve("home/.config").toString());
        // Java takes the home from the password database, not $HOME: the signing key goes to this test's home
        builder.environment().put("TESSERA_JAVA_OPTS", "-Duser.home=" + tmp.resolve("home") + " -Xmx512m -XX:TieredStopAtLevel=1");
        return new Proc(builder.start());
    }

    /**
     * The project's own Maven wrapper, offline: a local repository of its own for what it resolves
     * (so nothing is written into this machine's ~/.m2), this machine's Maven cache as a read-only
     * tail for the Central artifacts, and the file:// SDK repository allowed while offline.
     */
    private Proc maven(Path project, Path localRepository, String... goals) throws IOException {
        List<String> command = new ArrayList<>(List.of(project.resolve("mvnw").toString(), "-B", "-o",
                "-Daether.offline.protocols=file",
                "-Dmaven.repo.local=" + localRepository,
                "-Dmaven.repo.local.tail=" + thirdPartyCache()));
        command.addAll(List.of(goals));
        ProcessBuilder builder = new ProcessBuilder(command).directory(project.toFile());
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        builder.environment().remove("MAVEN_OPTS");
        builder.environment().put("MAVEN_OPTS", "-Xmx512m -XX:TieredStopAtLevel=1");
        return new Proc(builder.start());
    }

    /**
     * This machine's ~/.m2/repository without io/tessera (links to everything else): a third party
     * has Central's artifacts cached but never Tessera's, which must come from the SDK, not from
     * what a developer of Tessera happens to have installed.
     */
    private Path thirdPartyCache() throws IOException {
        Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository");
        Path cache = Files.createDirectories(tmp.resolve("m2-central"));
        try (var top = Files.list(m2)) {
            for (Path entry : top.toList()) {
                if (!entry.getFileName().toString().equals("io")) {
                    Files.createSymbolicLink(cache.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path io = Files.createDirectories(cache.resolve("io"));
        if (Files.isDirectory(m2.resolve("io"))) {
            try (var below = Files.list(m2.resolve("io"))) {
                for (Path entry : below.toList()) {
                    if (!entry.getFileName().toString().equals("tessera")) {
                        Files.createSymbolicLink(io.resolve(entry.getFileName().toString()), entry);
                    }
                }
            }
        }
        return cache;
    }

    /** A child process with its output collected; killed on close if still running. */
    static final class Proc implements AutoCloseable {
        private final Process process;
        private final StringBuffer stdout = new StringBuffer();
        private final StringBuffer stderr = new StringBuffer();
        private final Thread[] pumps;

        Proc(Process process) {
            this.process = process;
            this.pumps = new Thread[] {pump(process.getInputStream(), stdout), pump(process.getErrorStream(), stderr)};
        }

        private static Thread pump(InputStream in, StringBuffer into) {
            Thread t = new Thread(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                    for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                        into.append(line).append('\n');
                    }
                } catch (IOException e) {
                    into.append("[pump: ").append(e).append("]\n");
                }
            }, "child-output");
            t.setDaemon(true);
            t.start();
            return t;
        }

        Process process() {
            return process;
        }

        String stdout() {
            return stdout.toString();
        }

        String stderr() {
            return stderr.toString();
        }

        String output() {
            return "stdout:\n" + stdout + "\nstderr:\n" + stderr;
        }

        Matcher awaitStdout(Pattern pattern, Duration deadline) throws InterruptedException {
            long end = System.nanoTime() + deadline.toNanos();
            while (System.nanoTime() < end) {
                Matcher m = pattern.matcher(stdout);
                if (m.find()) {
                    return m;
                }
                if (!process.isAlive()) {
                    break;
                }
                Thread.sleep(50); // waiting for the child's output; the deadline bounds it
            }
            throw new AssertionError("no line matching " + pattern + " (alive=" + process.isAlive() + ")\n" + output());
        }

        int awaitExit(Duration deadline) throws InterruptedException {
            if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + deadline + "\n" + output());
            }
            for (Thread pump : pumps) {
                pump.join(TimeUnit.SECONDS.toMillis(10));
            }
            return process.exitValue();
        }

        @Override
        public void close() throws InterruptedException {
            if (process.isAlive()) {
                process.destroyForcibly();
                process.waitFor(30, TimeUnit.SECONDS);
            }
        }
    }
}
