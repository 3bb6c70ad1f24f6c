package io.tessera.benchmarks.boot;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.harness.Stats;
import io.tessera.benchmarks.harness.UpProcess;
import io.tessera.kernel.Kernel;
import io.tessera.kernel.config.KernelConfig;
import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * Boot time on the embedded default: (a) from launching a JVM with {@code tessera up} to the first
 * {@code /readyz} 200, as a user sees it; (b) {@link Kernel#start} inside a running JVM, first in
 * this JVM (cold classes) and again (warm). Each cold figure comes with the CPU time it took,
 * which another busy process on the machine does not inflate as it does the wall time.
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
        double[] launchCpu = new double[LAUNCHES];
        for (int i = 0; i < LAUNCHES; i++) {
            double[] launch = launchToReady();
            launches[i] = launch[0];
            launchCpu[i] = launch[1];
        }
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        double[] boots = new double[IN_PROCESS_BOOTS];
        double[] bootCpu = new double[IN_PROCESS_BOOTS];
        double firstBootLoad = 0;
        for (int i = 0; i < IN_PROCESS_BOOTS; i++) {
            Path dataDir = Files.createTempDirectory("tessera-bench-boot");
            long cpuBegin = os.getProcessCpuTime();
            long begin = System.nanoTime();
            try (Kernel kernel = Kernel.start(KernelConfig.defaults(dataDir).withPort(0))) {
                boots[i] = (System.nanoTime() - begin) / 1e9;
                bootCpu[i] = (os.getProcessCpuTime() - cpuBegin) / 1e9;
                if (i == 0) {
                    firstBootLoad = os.getSystemLoadAverage();
                }
                if (!kernel.ready()) {
                    throw new IllegalStateException("Kernel.start returned before the kernel was ready");
                }
            }
        }
        double[] warm = java.util.Arrays.copyOfRange(boots, 1, boots.length);
        return List.of(
                new Row("launch `tessera up` (new JVM, fresh data dir) → /readyz 200", Stats.secondsSpread(launches),
                        "< 20 s", ""),
                new Row("  its CPU time (the process's, all threads, at the first /readyz 200)", Stats.secondsSpread(launchCpu),
                        "", ""),
                new Row("Kernel.start, first in this JVM (embedded cluster, fresh data dir)", String.format(Locale.ROOT,
                        "%s (load average %.1f)", Stats.seconds(boots[0]), firstBootLoad), "< 3 s", ""),
                new Row("  its CPU time (this JVM's, all threads: boot, JIT, GC, the embedded cluster)", Stats.seconds(bootCpu[0]),
                        "", ""),
                new Row("Kernel.start, again in the same JVM", Stats.secondsSpread(warm), "", ""));
    }

    /** Seconds from starting the child process to its first /readyz 200, and the CPU seconds it had used by then. */
    private double[] launchToReady() throws Exception {
        try (UpProcess up = UpProcess.launch(Files.createTempDirectory("tessera-bench-launch"))) {
            double seconds = up.awaitReady(DEADLINE);
            return new double[] {seconds, up.cpuSeconds()};
        }
    }
}
