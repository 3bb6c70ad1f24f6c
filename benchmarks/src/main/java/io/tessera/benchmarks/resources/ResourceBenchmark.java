package io.tessera.benchmarks.resources;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.UpProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What one kernel replica uses on the embedded default (the figures behind the Helm chart's
 * requests and limits, docs/deploy.md): CPU and resident memory of a {@code tessera up} process
 * idle and under a light API load, and its live heap after a full GC. The baseline is an idle JVM
 * of the same Java running nothing, measured the same way in the same run. Linux only ({@code /proc}).
 */
public final class ResourceBenchmark implements Benchmark {

    private static final Duration WINDOW = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(10);
    private static final int LIGHT_LOAD_PER_SECOND = 10;
    private static final long CLOCK_TICKS = 100; // USER_HZ on Linux
    private static final Pattern RSS = Pattern.compile("VmRSS:\\s+(\\d+) kB");
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Override
    public String name() {
        return "resources";
    }

    @Override
    public List<Row> run() throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Sample baseline;
        Process idleJvm = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), Sleeper.class.getName()).start();
        try {
            Thread.sleep(SETTLE.toMillis());
            baseline = sample(idleJvm.pid(), null);
        } finally {
            idleJvm.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }

        try (UpProcess kernel = UpProcess.launch(Files.createTempDirectory("tessera-bench-resources"))) {
            kernel.awaitReady(Duration.ofSeconds(120));
            URI base = kernel.base();
            Thread.sleep(SETTLE.toMillis());
            Sample idle = sample(kernel.pid(), null);
            String token = kernel.adminToken();
            Sample loaded = sample(kernel.pid(), () -> {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(base.resolve("/kapis/iam.kubesphere.io/v1beta1/users"))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() != 200) {
                    throw new IllegalStateException("GET users answered " + r.statusCode());
                }
            });
            double heapMiB = heapAfterGc(kernel.pid());
            return List.of(
                    new Row("kernel idle: CPU (cores), over " + WINDOW.toSeconds() + " s", String.format("%.3f", idle.cores),
                            "", String.format("idle JVM %.3f", baseline.cores)),
                    new Row("kernel idle: resident memory", String.format("%.0f MiB", idle.rssMiB), "",
                            String.format("idle JVM %.0f MiB (%.1f×)", baseline.rssMiB, idle.rssMiB / baseline.rssMiB)),
                    new Row("kernel, " + LIGHT_LOAD_PER_SECOND + " GET users/s: CPU (cores)", String.format("%.3f", loaded.cores), "",
                            ""),
                    new Row("kernel, " + LIGHT_LOAD_PER_SECOND + " GET users/s: resident memory", String.format("%.0f MiB", loaded.rssMiB),
                            "", ""),
                    new Row("kernel: live heap after a full GC", String.format("%.1f MiB", heapMiB), "", ""));
        }
    }

    private record Sample(double cores, double rssMiB) {
    }

    private interface Call {
        void run() throws Exception;
    }

    /** CPU over the window (as cores) and the resident memory at its end; {@code load} runs at the light rate meanwhile. */
    private Sample sample(long pid, Call load) throws Exception {
        long ticks0 = cpuTicks(pid);
        long begin = System.nanoTime();
        long end = begin + WINDOW.toNanos();
        long period = 1_000_000_000L / LIGHT_LOAD_PER_SECOND;
        for (long next = begin; System.nanoTime() < end; next += period) {
            if (load != null) {
                load.run();
            }
            long wait = next + period - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
        double seconds = (System.nanoTime() - begin) / 1e9;
        double cores = (cpuTicks(pid) - ticks0) / (double) CLOCK_TICKS / seconds;
        return new Sample(cores, rssMiB(pid));
    }

    private static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        // fields after the command name, which is in parentheses and may hold spaces
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]); // utime, stime
    }

    private static double rssMiB(long pid) throws IOException {
        Matcher m = RSS.matcher(Files.readString(Path.of("/proc", Long.toString(pid), "status")));
        if (!m.find()) {
            throw new IllegalStateException("no VmRSS for " + pid);
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /** {@code jcmd GC.run} then the used heap from {@code GC.heap_info}. */
    private static double heapAfterGc(long pid) throws Exception {
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        run(jcmd, Long.toString(pid), "GC.run");
        String info = run(jcmd, Long.toString(pid), "GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) {
            throw new IllegalStateException("cannot read the heap from: " + info);
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
        }
        return out;
    }

    /** The baseline process: a JVM that does nothing. */
    public static final class Sleeper {
        public static void main(String[] args) throws InterruptedException {
            Thread.sleep(Long.MAX_VALUE);
        }
    }
}
