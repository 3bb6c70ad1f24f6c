package io.tessera.benchmarks.harness;

import io.tessera.benchmarks.Benchmark;
import io.tessera.benchmarks.Benchmark.Row;
import java.io.PrintStream;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Runs every {@link Benchmark} listed in {@code META-INF/services/io.tessera.benchmarks.Benchmark}
 * and prints one Markdown table on stdout (progress goes to stderr). A benchmark that fails gets a
 * FAILED row and the exit code is 1; the others still run.
 */
public final class BenchmarkRunner {

    private BenchmarkRunner() {
    }

    public static void main(String[] args) {
        // the kernel's INFO lines would drown the progress; must be set before the first logger exists
        if (System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        String only = null;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--only") && i + 1 < args.length) {
                only = args[++i];
            } else {
                System.err.println("usage: benchmarks/run [--only NAME]");
                System.exit(2);
            }
        }
        List<String> names = new ArrayList<>();
        List<List<Row>> results = new ArrayList<>();
        boolean failed = false;
        for (Benchmark benchmark : ServiceLoader.load(Benchmark.class)) {
            if (only != null && !benchmark.name().contains(only)) {
                continue;
            }
            System.err.printf("benchmarks: running %s…%n", benchmark.name());
            long begin = System.nanoTime();
            List<Row> rows;
            try {
                rows = benchmark.run();
            } catch (Exception | AssertionError e) {
                failed = true;
                rows = List.of(new Row("FAILED", String.valueOf(e), "", ""));
                e.printStackTrace();
            }
            System.err.printf("benchmarks: %s took %.0f s%n", benchmark.name(), (System.nanoTime() - begin) / 1e9);
            names.add(benchmark.name());
            results.add(rows);
        }
        if (names.isEmpty()) {
            System.err.println("benchmarks: none matched" + (only == null ? "" : " '" + only + "'"));
            System.exit(2);
        }
        print(System.out, names, results);
        System.exit(failed ? 1 : 0);
    }

    static void print(PrintStream out, List<String> names, List<List<Row>> results) {
        Runtime rt = Runtime.getRuntime();
        // other processes on the machine move every figure; the load average says how busy it was
        double load = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        out.printf("Tessera benchmarks, %s, %d CPUs (load average %.1f at the end), Java %s, max heap %d MiB%n%n",
                Instant.now().truncatedTo(ChronoUnit.SECONDS), rt.availableProcessors(), load,
                System.getProperty("java.version"), rt.maxMemory() / (1024 * 1024));
        List<String[]> table = new ArrayList<>();
        table.add(new String[] {"benchmark", "metric", "value", "goal", "baseline (same run)"});
        for (int i = 0; i < names.size(); i++) {
            for (Row row : results.get(i)) {
                table.add(new String[] {names.get(i), row.metric(), row.value(), row.goal(), row.baseline()});
            }
        }
        int[] widths = new int[5];
        for (String[] cells : table) {
            for (int c = 0; c < cells.length; c++) {
                widths[c] = Math.max(widths[c], cells[c].length());
            }
        }
        for (int r = 0; r < table.size(); r++) {
            StringBuilder line = new StringBuilder("|");
            for (int c = 0; c < 5; c++) {
                line.append(' ').append(pad(table.get(r)[c], widths[c])).append(" |");
            }
            out.println(line);
            if (r == 0) {
                StringBuilder rule = new StringBuilder("|");
                for (int c = 0; c < 5; c++) {
                    rule.append(' ').append("-".repeat(widths[c])).append(" |");
                }
                out.println(rule);
            }
        }
        out.flush();
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(width - s.length());
    }
}
