package io.tessera.benchmarks.boot;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.Stats;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.cli.Tessera;
import io.tessera.kernel.config.KernelConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Boot time on the embedded default: (a) from launching a JVM with {@code tessera up} to the first
 * {@code /readyz} 200, as a user sees it; (b) {@link Kernel#start} inside a running JVM, first in
 * this JVM (cold classes) and again (warm).
 */
public final class BootTimeBenchmark implements Benchmark {

    private static final int LAUNCHES = 3;
    private static final int IN_PROCESS_BOOTS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public String name() {
        return "boot";
    }

    @Override
    public List<Row> run() throws Exception {
        double[] launches = new double[LAUNCHES];
        for (int i = 0; i < LAUNCHES; i++) {
            launches[i] = launchToReady();
        }
        double[] boots = new double[IN_PROCESS_BOOTS];
        for (int i = 0; i < IN_PROCESS_BOOTS; i++) {
            Path dataDir = Files.createTempDirectory("tessera-bench-boot");
            long begin = System.nanoTime();
            try (Kernel kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0))) {
                boots[i] = (System.nanoTime() - begin) / 1e9;
                if (!kernel.ready()) {
                    throw new IllegalStateException("Kernel.start returned before the kernel was ready");
                }
            }
        }
        double[] warm = java.util.Arrays.copyOfRange(boots, 1, boots.length);
        return List.of(
                new Row("launch `tessera up` (new JVM, fresh data dir) → /readyz 200", Stats.secondsSpread(launches),
                        "< 20 s", ""),
                new Row("Kernel.start, first in this JVM (embedded cluster, fresh data dir)", Stats.seconds(boots[0]),
                        "< 3 s", ""),
                new Row("Kernel.start, again in the same JVM", Stats.secondsSpread(warm), "", ""));
    }

    /** Seconds from starting the child process to its first /readyz 200. */
    private double launchToReady() throws Exception {
        Path dataDir = Files.createTempDirectory("tessera-bench-launch");
        int port = freePort();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                Tessera.class.getName(), "up", "--port", Integer.toString(port), "--set", "server.https.port=0", "--data-dir", dataDir.toString())
                .redirectOutput(dataDir.resolve("stdout.log").toFile())
                .redirectError(dataDir.resolve("stderr.log").toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().keySet().removeIf(name -> name.startsWith("TESSERA_"));
        URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
        long begin = System.nanoTime();
        Process process = builder.start();
        try {
            long deadline = begin + DEADLINE.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("tessera up exited with " + process.exitValue() + ": "
                            + Files.readString(dataDir.resolve("stderr.log")).strip());
                }
                if (ready(readyz)) {
                    return (System.nanoTime() - begin) / 1e9;
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("no /readyz 200 within " + DEADLINE.toSeconds() + " s");
        } finally {
            process.toHandle().destroy();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }

    private boolean ready(URI readyz) throws InterruptedException {
        try {
            HttpResponse<Void> response = http.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding());
            return response.statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    /** A port free a moment ago; the child binds it shortly after (a collision fails the run loudly). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
