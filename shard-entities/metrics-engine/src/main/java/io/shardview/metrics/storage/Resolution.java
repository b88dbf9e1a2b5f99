package io.shardview.metrics.storage;

/** The rollup bucket widths maintained per series. */
public enum Resolution {
    FIVE_MINUTES(300_000L),
    ONE_HOUR(3_600_000L);

    private final long millis;

    Resolution(long millis) {
        this.millis = millis;
    }

    /** Bucket width in milliseconds; buckets are aligned to multiples of it since the epoch. */
    public long millis() {
        return millis;
    }
}
