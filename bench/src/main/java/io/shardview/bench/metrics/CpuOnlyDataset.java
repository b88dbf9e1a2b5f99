package io.shardview.bench.metrics;

import java.util.SplittableRandom;

/**
 * A deterministic TSBS "cpu-only"-style dataset: hosts x 10 metrics, one point every 10 s.
 *
 * <p>Metrics 0-7 are CPU percentages (TSBS-like clamped random walk, normal steps of sigma 1,
 * rounded to 2 decimals, 0..100); metric 8 is load1 (2 decimals, sigma 0.05, 0..64); metric 9 is
 * used memory in bytes (integer walk, sigma 1 MiB, 256 MiB..16 GiB). Timestamps are exact 10 s.
 */
public final class CpuOnlyDataset {
    /** Metric names, index = metric number. */
    public static final String[] METRICS = {
        "cpu_usage_user", "cpu_usage_system", "cpu_usage_idle", "cpu_usage_nice", "cpu_usage_iowait",
        "cpu_usage_irq", "cpu_usage_softirq", "cpu_usage_steal", "load1", "mem_used_bytes"
    };

    public static final long START_MS = 1_700_000_000_000L;
    public static final long STEP_MS = 10_000;

    public final int hosts;
    public final int pointsPerSeries;
    /** timestamps[s][i] and values[s][i] of series s = host * 10 + metric. */
    public final long[][] timestamps;

    public final double[][] values;

    /** Generates {@code hosts} x 10 series of {@code pointsPerSeries} points from {@code seed}. */
    public CpuOnlyDataset(int hosts, int pointsPerSeries, long seed) {
        this(hosts, pointsPerSeries, seed, START_MS);
    }

    /**
     * As above, with the first point at {@code startMs}: the same values, shifted in time (a server
     * with a retention period refuses points older than it, so HTTP load uses recent timestamps).
     */
    public CpuOnlyDataset(int hosts, int pointsPerSeries, long seed, long startMs) {
        this.hosts = hosts;
        this.pointsPerSeries = pointsPerSeries;
        int series = hosts * METRICS.length;
        timestamps = new long[series][];
        values = new double[series][];
        SplittableRandom rnd = new SplittableRandom(seed);
        for (int s = 0; s < series; s++) {
            long[] ts = new long[pointsPerSeries];
            for (int i = 0; i < pointsPerSeries; i++) {
                ts[i] = startMs + i * STEP_MS;
            }
            timestamps[s] = ts;
            values[s] = walk(rnd, s % METRICS.length, pointsPerSeries);
        }
    }

    /** The standard size: 100 hosts x 10 metrics x 24 h at 10 s = 8.64M points. */
    public static CpuOnlyDataset standard() {
        return new CpuOnlyDataset(100, 8640, 42);
    }

    public int seriesCount() {
        return timestamps.length;
    }

    public long totalPoints() {
        return (long) seriesCount() * pointsPerSeries;
    }

    private static double[] walk(SplittableRandom rnd, int metric, int n) {
        double[] out = new double[n];
        if (metric == 9) {
            long bytes = (1L << 30) + rnd.nextLong(1L << 33);
            for (int i = 0; i < n; i++) {
                bytes += Math.round(gaussian(rnd) * (1 << 20));
                bytes = Math.max(256L << 20, Math.min(16L << 30, bytes));
                out[i] = bytes;
            }
            return out;
        }
        boolean load = metric == 8;
        long maxCents = load ? 6400 : 10000;
        double sigmaCents = load ? 5 : 100;
        long cents = rnd.nextLong(maxCents + 1);
        for (int i = 0; i < n; i++) {
            cents += Math.round(gaussian(rnd) * sigmaCents);
            cents = Math.max(0, Math.min(maxCents, cents));
            out[i] = cents / 100.0; // the double nearest to the 2-decimal value, as a parser yields
        }
        return out;
    }

    private static double gaussian(SplittableRandom rnd) {
        // Box-Muller; SplittableRandom has no nextGaussian on Java 17.
        double u = 1.0 - rnd.nextDouble();
        double v = rnd.nextDouble();
        return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    }
}
