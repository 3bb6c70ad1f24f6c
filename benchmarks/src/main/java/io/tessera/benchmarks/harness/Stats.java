package io.tessera.benchmarks.harness;

import java.util.Arrays;
import java.util.Locale;

/** Small statistics and formatting shared by the benchmarks. */
public final class Stats {

    private Stats() {
    }

    public static double median(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /** The value at the given quantile (0..1) of already sorted values; 0 for none. */
    public static long quantile(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        int index = (int) Math.min(sorted.length - 1, Math.round(q * (sorted.length - 1)));
        return sorted[index];
    }

    /** Seconds with two decimals, e.g. {@code 2.31 s}. */
    public static String seconds(double s) {
        return String.format(Locale.ROOT, "%.2f s", s);
    }

    /** "median (min–max, n runs)" in seconds. */
    public static String secondsSpread(double... values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, "%.2f s (min %.2f, max %.2f, %d runs)", median(values), sorted[0],
                sorted[sorted.length - 1], values.length);
    }

    public static String perSecond(double rate) {
        return String.format(Locale.ROOT, "%,.0f req/s", rate);
    }
}
