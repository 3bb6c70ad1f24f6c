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
 * Boot time on the embedded default: (a) the built distribution's {@code bin/tessera up}, as a user
 * starts it — its first launch, which records the launcher's class-data archive, then launches once
 * built — from launch to the first {@code /readyz} 200, and the {@link Kernel#start} inside it (the
 * bare kernel boot, from the banner); (b) {@link Kernel#start} inside this JVM (benchmark class path,
 * no archive), first in this JVM (cold classes) and again (warm). Each cold figure comes with the CPU time it took,
 * which another busy process on the machine does not inflate as it does the wall time.
 */
public final class BootTimeBenchmark implements Benchmark {

    private static final int LAUNCHES = 5;
    private static final int IN_PROCESS_BOOTS = 3;
    private static final Duration DEADLINE = Duration.ofSeconds(120);

    @Override
    public String name() {
        return "boot";
    }

    @Override
    public List<Row> run() throws Exception {
        // the shipped launcher keeps its class-data archive in the user's cache; a cache of this run's
        // own makes the first launch the first of this distribution, which records the archive
        Path cache = Files.createTempDirectory("tessera-bench-cache");
        Launch first = launch(cache);
        Launch[] later = new Launch[LAUNCHES];
        for (int i = 0; i < LAUNCHES; i++) {
            later[i] = launch(cache);
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
                new Row("first `bin/tessera up` of the distribution (records its class-data archive) → /readyz 200",
                        String.format(Locale.ROOT, "%s (CPU %s)", Stats.seconds(first.ready), Stats.seconds(first.cpu)), "", ""),
                new Row("  Kernel.start in it (cold JVM, no archive yet; the banner's figure)", Stats.seconds(first.kernelStart), "", ""),
                new Row("`bin/tessera up` once built (its archive recorded), fresh data dir → /readyz 200",
                        Stats.secondsSpread(Launch.each(later, Launch::ready)), "< 20 s", ""),
                new Row("  Kernel.start in those launches: the bare kernel boot (the banner's figure)",
                        String.format(Locale.ROOT, "%s (load average %.1f)", Stats.secondsSpread(Launch.each(later, Launch::kernelStart)),
                                os.getSystemLoadAverage()), "< 3 s", ""),
                new Row("  their CPU time (the process's, all threads, at the first /readyz 200)", Stats.secondsSpread(Launch.each(later, Launch::cpu)),
                        "", ""),
                new Row("Kernel.start, first in this JVM (benchmark class path, no archive; embedded cluster, fresh data dir)",
                        String.format(Locale.ROOT, "%s (load average %.1f)", Stats.seconds(boots[0]), firstBootLoad), "", ""),
                new Row("  its CPU time (this JVM's, all threads: boot, JIT, GC, the embedded cluster)", Stats.seconds(bootCpu[0]),
                        "", ""),
                new Row("Kernel.start, again in the same JVM", Stats.secondsSpread(warm), "", ""));
    }

    /** One launch of the shipped launcher: seconds to the first /readyz 200, CPU seconds by then, and Kernel.start's seconds. */
    private record Launch(double ready, double cpu, double kernelStart) {
        static double[] each(Launch[] launches, java.util.function.ToDoubleFunction<Launch> figure) {
            return java.util.Arrays.stream(launches).mapToDouble(figure).toArray();
        }
    }

    /** Launches {@code bin/tessera up} on a fresh data dir, waits for /readyz, and stops it (which writes a recorded archive). */
    private static Launch launch(Path cache) throws Exception {
        try (UpProcess up = UpProcess.launchDistribution(cache, Files.createTempDirectory("tessera-bench-launch"))) {
            double seconds = up.awaitReady(DEADLINE);
            return new Launch(seconds, up.cpuSeconds(), up.kernelStartSeconds());
        }
    }
}
