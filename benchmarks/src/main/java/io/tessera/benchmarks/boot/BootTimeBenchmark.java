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
 * {@code /readyz} 200, as a user sees it; (b) the same through the built distribution's
 * {@code bin/tessera up}, which runs from its class-data archive (recorded by a first launch);
 * (c) {@link Kernel#start} inside a running JVM, first in this JVM (cold classes) and again (warm).
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
            launches[i] = launchToReady(List.of(java(), "-cp", System.getProperty("java.class.path"), Tessera.class.getName()));
        }
        List<Row> distribution = distributionLaunches();
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
        List<Row> rows = new java.util.ArrayList<>();
        rows.add(new Row("launch `tessera up` (new JVM, fresh data dir) → /readyz 200", Stats.secondsSpread(launches),
                "< 20 s", ""));
        rows.addAll(distribution);
        rows.add(new Row("Kernel.start, first in this JVM (embedded cluster, fresh data dir)", Stats.seconds(boots[0]),
                "< 3 s", ""));
        rows.add(new Row("Kernel.start, again in the same JVM", Stats.secondsSpread(warm), "", ""));
        return rows;
    }

    /**
     * The distribution's launcher as a user runs it: a first launch without its class-data archive
     * (it records one when it stops), then launches that use it. Needs the distribution built.
     */
    private List<Row> distributionLaunches() throws Exception {
        Path launcher = distributionLauncher();
        String metric = "launch distribution `bin/tessera up` with its class-data archive → /readyz 200";
        if (launcher == null) {
            return List.of(new Row(metric, "not measured: no distributions/target/tessera-*/bin/tessera (build it first)", "", ""));
        }
        Path cache = launcher.getParent().getParent().resolve("cache");
        if (Files.isDirectory(cache)) {
            try (var files = Files.list(cache)) {
                for (Path file : files.toList()) {
                    Files.delete(file);
                }
            }
        }
        double recording = launchToReady(List.of(launcher.toString()));
        boolean archived;
        try (var files = Files.list(cache)) {
            archived = files.anyMatch(f -> f.getFileName().toString().endsWith(".jsa"));
        }
        if (!archived) {
            throw new IllegalStateException("the first `bin/tessera up` wrote no class-data archive to " + cache);
        }
        double[] launches = new double[LAUNCHES];
        for (int i = 0; i < LAUNCHES; i++) {
            launches[i] = launchToReady(List.of(launcher.toString()));
        }
        return List.of(
                new Row("launch distribution `bin/tessera up`, first (records the class-data archive) → /readyz 200",
                        Stats.seconds(recording), "", ""),
                new Row(metric, Stats.secondsSpread(launches), "< 3 s", "first launch above"));
    }

    private static Path distributionLauncher() throws IOException {
        Path target = Path.of("distributions", "target");
        if (!Files.isDirectory(target)) {
            return null;
        }
        try (var entries = Files.list(target)) {
            return entries.filter(Files::isDirectory)
                    .filter(d -> d.getFileName().toString().startsWith("tessera-"))
                    .map(d -> d.resolve("bin/tessera"))
                    .filter(Files::isExecutable)
                    .findFirst().map(Path::toAbsolutePath).orElse(null);
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** Seconds from starting {@code command up …} to its first /readyz 200; waits for it to exit after. */
    private double launchToReady(List<String> command) throws Exception {
        Path dataDir = Files.createTempDirectory("tessera-bench-launch");
        int port = freePort();
        List<String> full = new java.util.ArrayList<>(command);
        full.addAll(List.of("up", "--port", Integer.toString(port), "--set", "server.https.port=0", "--data-dir", dataDir.toString()));
        ProcessBuilder builder = new ProcessBuilder(full)
                .redirectOutput(dataDir.resolve("stdout.log").toFile())
                .redirectError(dataDir.resolve("stderr.log").toFile());
        builder.environment().remove("KUBECONFIG");
        builder.environment().keySet().removeIf(name -> name.startsWith("TESSERA_"));
        // the distribution's launcher runs the same JDK as this harness
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
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
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
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
