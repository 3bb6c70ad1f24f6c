package io.tessera.kernel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import io.tessera.kernel.kubeproxy.Kubectl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tessera up} as a user runs it: a child JVM from the built classes, on a free port chosen
 * by the kernel (port 0, read back from the banner), stopped with SIGTERM.
 */
class TesseraUpIT {

    private static final Duration BOOT_DEADLINE = Duration.ofSeconds(90);
    private static final Pattern CONSOLE = Pattern.compile("Console:\\s+(http://\\S+)");

    @TempDir
    Path tmp;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void upServesReadyzVersionAndKubectlThroughThePlatformThenStopsCleanlyOnSigterm() throws Exception {
        try (ChildProcess tessera = ChildProcess.tessera(tmp, "up", "--port", "0", "--set", "server.https.port=0",
                "--data-dir", tmp.resolve("data").toString())) {
            tessera.awaitStdout(Pattern.compile("Press Ctrl-C to stop"), BOOT_DEADLINE);
            Matcher console = CONSOLE.matcher(tessera.stdout());
            assertThat(console.find()).as("console line in %s", tessera.stdout()).isTrue();
            URI base = URI.create(console.group(1));
            assertThat(tessera.stdout()).contains("admin / P@88w0rd");

            Deadline deadline = new Deadline(BOOT_DEADLINE);
            HttpResponse<String> ready;
            do {
                ready = get(base.resolve("/readyz"));
            } while (ready.statusCode() != 200 && deadline.pause());
            assertThat(ready.statusCode()).as("/readyz").isEqualTo(200);

            HttpResponse<String> version = get(base.resolve("/version"));
            assertThat(version.statusCode()).isEqualTo(200);
            JsonNode json = new ObjectMapper().readTree(version.body());
            assertThat(json.path("gitVersion").asText()).startsWith("v");
            assertThat(json.path("kubernetes").path("gitVersion").asText()).startsWith("v1.");

            // kubectl sends a token only over HTTPS: the embedded default serves it with a development
            // certificate, and the platform's kubeconfig carries that certificate.
            assertThat(tessera.stdout()).containsPattern("HTTPS:\\s+https://");
            assertThat(tmp.resolve("data/tls/serving.key")).exists();
            Path kubeconfig = tmp.resolve("admin.kubeconfig");
            try (ChildProcess fetch = ChildProcess.tessera(tmp, "kubeconfig", "--server", base.toString(),
                    "--username", "admin", "--password", "P@88w0rd", "-o", kubeconfig.toString())) {
                assertThat(fetch.awaitExit(BOOT_DEADLINE)).as("tessera kubeconfig; stderr: %s", fetch.stderr()).isZero();
            }
            assertThat(java.nio.file.Files.readString(kubeconfig)).contains("https://").contains("certificate-authority-data");
            if (Kubectl.available()) {
                Kubectl.Result namespaces = new Kubectl(kubeconfig, tmp).run("get", "ns", "-o", "name");
                assertThat(namespaces.exit()).as("%s", namespaces).isZero();
                assertThat(namespaces.out()).contains("namespace/default").contains("namespace/kubesphere-system");
            }

            // SIGTERM through the handle: Process.destroy() would also close our end of the pipes
            tessera.process().toHandle().destroy();
            assertThat(tessera.awaitExit(Duration.ofSeconds(60))).as("exit code after SIGTERM; stderr: %s", tessera.stderr()).isZero();
            assertThat(tessera.stdout()).contains("Stopped.");
            assertThat(tessera.stderr()).doesNotContain("Exception");
        }
    }

    @Test
    void upRunsOnASharedDevClusterThroughItsKubeconfig() throws Exception {
        Path clusterDir = tmp.resolve("cluster");
        try (ChildProcess cluster = ChildProcess.tessera(tmp, "dev-cluster", "--data-dir", clusterDir.toString(), "--port", "0")) {
            cluster.awaitStdout(Pattern.compile("dev-cluster serving http://\\S+"), BOOT_DEADLINE);
            try (ChildProcess tessera = ChildProcess.tessera(tmp, "up", "--port", "0", "--data-dir", tmp.resolve("kernel").toString(),
                    "--kubeconfig", clusterDir.resolve("kubeconfig").toString())) {
                tessera.awaitStdout(Pattern.compile("Press Ctrl-C to stop"), BOOT_DEADLINE);
                assertThat(tessera.stdout()).contains("Kubernetes: kubeconfig " + clusterDir.resolve("kubeconfig"))
                        .contains("Admin:      admin (initial password: iam.adminPassword)")
                        // on a cluster that is not the embedded default, the password stays out of the output
                        .doesNotContain("P@88w0rd");
                Matcher console = CONSOLE.matcher(tessera.stdout());
                assertThat(console.find()).isTrue();
                Deadline deadline = new Deadline(BOOT_DEADLINE);
                HttpResponse<String> ready;
                do {
                    ready = get(URI.create(console.group(1)).resolve("/readyz"));
                } while (ready.statusCode() != 200 && deadline.pause());
                assertThat(ready.statusCode()).as("/readyz").isEqualTo(200);

                tessera.process().toHandle().destroy();
                assertThat(tessera.awaitExit(Duration.ofSeconds(60))).as("stderr: %s", tessera.stderr()).isZero();
            }
            cluster.process().toHandle().destroy();
            assertThat(cluster.awaitExit(Duration.ofSeconds(60))).as("dev-cluster exit after SIGTERM; stderr: %s",
                    cluster.stderr()).isZero();
        }
    }

    @Test
    void portInUseIsOneLineAndNonZeroExit() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
                ChildProcess tessera = ChildProcess.tessera(tmp, "up", "--port", Integer.toString(taken.getLocalPort()),
                        "--set", "server.https.port=0", "--data-dir", tmp.resolve("data").toString())) {
            int exit = tessera.awaitExit(BOOT_DEADLINE);
            assertThat(exit).isNotZero();
            List<String> lines = tessera.stderr().lines().filter(l -> !l.isBlank()).toList();
            assertThat(lines).as("stderr").hasSize(1);
            assertThat(lines.get(0)).startsWith("tessera: ")
                    .contains(Integer.toString(taken.getLocalPort())).contains("in use");
            assertThat(tessera.stdout()).doesNotContain("\tat ");
        }
    }

    private HttpResponse<String> get(URI uri) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new FailedResponse(uri, e);
        }
    }

    /** A connection failure while polling counts as "not yet". */
    private record FailedResponse(URI uri, IOException error) implements HttpResponse<String> {
        public int statusCode() { return -1; }
        public HttpRequest request() { return HttpRequest.newBuilder(uri).build(); }
        public java.util.Optional<HttpResponse<String>> previousResponse() { return java.util.Optional.empty(); }
        public java.net.http.HttpHeaders headers() { return java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true); }
        public String body() { return error.toString(); }
        public java.util.Optional<javax.net.ssl.SSLSession> sslSession() { return java.util.Optional.empty(); }
        public HttpClient.Version version() { return HttpClient.Version.HTTP_1_1; }
    }

    /** Polling with a deadline: {@link #pause()} waits a little and says whether to try again. */
    static final class Deadline {
        private final long end;

        Deadline(Duration length) {
            this.end = System.nanoTime() + length.toNanos();
        }

        boolean pause() throws InterruptedException {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(100);
            return true;
        }
    }
}
