package io.tessera.benchmarks.boot;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.Stats;
import io.tessera.benchmarks.harness.UpProcess;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Boot time on the embedded default: (a) from launching a JVM with {@code tessera up} to the first
 * {@code /readyz} 200, as a user sees it; (b) {@link Kernel#start} inside a running JVM, first in
 * this JVM (cold classes) and again (warm).
 */
public final class BootTimeBenchmark implements Benchmark {

    private static final int LAUNCHES = 3;
    private static final int IN_PROCESS_BOOTS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

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
        try (UpProcess up = UpProcess.launch(Files.createTempDirectory("tessera-bench-launch"))) {
            return up.awaitReady(DEADLINE);
        }
    }
}
