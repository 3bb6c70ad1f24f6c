package io.tessera.benchmarks.harness;

import io.tessera.kernel.cli.Tessera;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code tessera up} in a new JVM on the embedded default, as a user starts it: the benchmarks
 * that measure a whole process (boot, cold first install, resource use) launch one of these.
 * Its output goes to {@code stdout.log} and {@code stderr.log} in the data directory.
 */
public final class UpProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern BANNER = Pattern.compile("Tessera is up \\(([0-9.]+) s\\)");
    private static final Pattern ACCESS_TOKEN = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"");

    private final Process process;
    private final URI base;
    private final Path dataDir;
    private final long launchedNanos;

    private UpProcess(Process process, URI base, Path dataDir, long launchedNanos) {
        this.process = process;
        this.base = base;
        this.dataDir = dataDir;
        this.launchedNanos = launchedNanos;
    }

    /**
     * Starts {@code tessera up --port <free> --data-dir dataDir [--set setting…]}, with no KUBECONFIG
     * and no TESSERA_* from this environment but TESSERA_JAVA_OPTS.
     */
    public static UpProcess launch(Path dataDir, String... settings) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return start(new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"), Tessera.class.getName())), null, dataDir, settings);
    }

    /**
     * Starts the built distribution's {@code bin/tessera up} (the shipped launcher with its JVM options,
     * including its class-data archive, kept under {@code cacheHome} as the launcher keeps it under
     * {@code XDG_CACHE_HOME}; {@code null}: this environment's), otherwise as {@link #launch}.
     */
    public static UpProcess launchDistribution(Path cacheHome, Path dataDir, String... settings) throws IOException {
        return start(new ArrayList<>(List.of(Distribution.launcher().toString())), cacheHome, dataDir, settings);
    }

    private static UpProcess start(List<String> command, Path cacheHome, Path dataDir, String... settings) throws IOException {
        int port = freePort();
        command.addAll(List.of("up", "--port", Integer.toString(port), "--set", "server.https.port=0", "--data-dir", dataDir.toString()));
        for (String setting : settings) {
            command.add("--set");
            command.add(setting);
        }
        Files.createDirectories(dataDir);
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(dataDir.resolve("stdout.log").toFile())
                .redirectError(dataDir.resolve("stderr.log").toFile());
        builder.environment().remove("KUBECONFIG");
        // TESSERA_JAVA_OPTS is the launcher's (a JVM option measured on purpose); the kernel ignores it
        builder.environment().keySet().removeIf(name -> name.startsWith("TESSERA_") && !name.equals("TESSERA_JAVA_OPTS"));
        if (cacheHome != null) {
            builder.environment().put("XDG_CACHE_HOME", cacheHome.toString());
        }
        long launched = System.nanoTime();
        return new UpProcess(builder.start(), URI.create("http://127.0.0.1:" + port), dataDir, launched);
    }

    public URI base() {
        return base;
    }

    public long pid() {
        return process.pid();
    }

    /** Waits for the first {@code /readyz} 200 and returns the seconds since launch; fails if the process exits first. */
    public double awaitReady(Duration max) throws Exception {
        long deadline = launchedNanos + max.toNanos();
        URI readyz = base.resolve("/readyz");
        Path stdout = dataDir.resolve("stdout.log");
        // /readyz is asked only once the banner is out: asked every 20 ms while the kernel boots, it
        // made the booting JVM answer about a hundred requests, on the CPU the boot measured here needs.
        // Reading the log costs the process under test nothing. The banner follows Kernel.start, and
        // readiness (which also waits for the first catalog sync) comes at it or later.
        boolean booted = false;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("tessera up exited with " + process.exitValue() + ": "
                        + Files.readString(dataDir.resolve("stderr.log")).strip());
            }
            booted = booted || (Files.exists(stdout) && BANNER.matcher(Files.readString(stdout)).find());
            if (booted) {
                try {
                    if (HTTP.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return (System.nanoTime() - launchedNanos) / 1e9;
                    }
                } catch (IOException notListeningYet) {
                    // polled again below
                }
            }
            Thread.sleep(20); // the resolution of the launch → ready figure
        }
        throw new IllegalStateException("no /readyz 200 within " + max.toSeconds() + " s");
    }

    /**
     * Seconds {@code Kernel.start} took in the process, as its banner prints them ("Tessera is up (2.4 s).");
     * call after {@link #awaitReady}.
     */
    public double kernelStartSeconds() throws IOException, InterruptedException {
        Path stdout = dataDir.resolve("stdout.log");
        for (int i = 0; i < 100; i++) {
            Matcher m = BANNER.matcher(Files.readString(stdout));
            if (m.find()) {
                return Double.parseDouble(m.group(1));
            }
            Thread.sleep(50); // the banner follows readiness by a moment
        }
        throw new IllegalStateException("no 'Tessera is up (… s)' line in " + stdout);
    }

    /** CPU seconds the process has used so far (all its threads), or NaN where the OS does not say. */
    public double cpuSeconds() {
        return process.toHandle().info().totalCpuDuration().map(d -> d.toNanos() / 1e9).orElse(Double.NaN);
    }

    /** An access token for the embedded default's admin ({@code admin} / {@code P@88w0rd}). */
    public String adminToken() throws Exception {
        return adminToken(base);
    }

    /** An access token for the embedded default's admin of the kernel at {@code base}, in this JVM or another. */
    public static String adminToken(URI base) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(base.resolve("/oauth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(
                        "grant_type=password&username=admin&password=P%4088w0rd&client_id=kubesphere&client_secret=kubesphere"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = ACCESS_TOKEN.matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("admin login answered " + r.statusCode() + ": " + r.body());
        }
        return m.group(1);
    }

    /** Stops it as Ctrl-C would, forcibly after a minute. */
    @Override
    public void close() throws InterruptedException {
        process.toHandle().destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** A port free a moment ago; the child binds it shortly after (a collision fails the run loudly). */
    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
