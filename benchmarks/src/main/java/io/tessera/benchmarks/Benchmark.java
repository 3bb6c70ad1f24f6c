package io.tessera.benchmarks;

import java.util.List;

/**
 * One group of performance figures. The harness ({@code benchmarks/run}) runs every benchmark
 * and prints one table; figures are compared against a baseline measured in the same run.
 */
public interface Benchmark {

    /** A short name shown as the table's section. */
    String name();

    /** Runs the measurement and returns its rows. */
    List<Row> run() throws Exception;

    /**
     * One figure.
     *
     * @param metric what was measured, e.g. "GET by name at 100k objects"
     * @param value the figure, formatted with its unit, e.g. "0.42 ms"
     * @param goal the goal from the issue, or "" if none
     * @param baseline the same-run baseline and the ratio, or "" if none
     */
    record Row(String metric, String value, String goal, String baseline) {
    }
}
