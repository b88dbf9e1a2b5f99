package io.shardview.entity.tenant;

import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;

/**
 * The tenant's clock along its versions, for reads as of a clock time: for each tick this replica applied (and the
 * clock its state was restored with), the version from which the clock showed that time. The last {@link #CAPACITY}
 * ticks, oldest dropped first; not in snapshots, so after a restart it begins at the restored version's clock.
 */
final class ClockTicks {
    /** Ticks kept: 2.7 hours of the default resolution, 160 KB at most (nothing for a tenant without a clock). */
    static final int CAPACITY = 10_000;

    private static final LocalDateTime EPOCH = LocalDateTime.of(1970, 1, 1, 0, 0);

    /** A ring, grown by doubling up to {@link #CAPACITY}. */
    private long[] versions = new long[0];

    private long[] clocks = new long[0];
    private int first;
    private int size;

    /** From {@code version} on, the clock shows {@code clock}. */
    void add(long version, LocalDateTime clock) {
        if (clock == null) return;
        if (size == versions.length && size < CAPACITY) grow();
        int at = (first + size) % versions.length;
        if (size == versions.length) first = (first + 1) % versions.length;
        else size++;
        versions[at] = version;
        clocks[at] = micros(clock);
    }

    private void grow() {
        int capacity = Math.min(CAPACITY, Math.max(16, versions.length * 2));
        long[] v = new long[capacity];
        long[] c = new long[capacity];
        for (int i = 0; i < size; i++) {
            v[i] = version(i);
            c[i] = clock(i);
        }
        versions = v;
        clocks = c;
        first = 0;
    }

    /** The tick {@code i} from the oldest kept. */
    private long clock(int i) {
        return clocks[(first + i) % clocks.length];
    }

    private long version(int i) {
        return versions[(first + i) % versions.length];
    }

    /** The last version at which the clock showed {@code time} or earlier, when the clock has passed it since. */
    sealed interface AsOf {}

    /** The version. */
    record At(long version) implements AsOf {}

    /** The clock has not passed the time yet (it shows {@code clock}, null before its first tick). */
    record NotYet(LocalDateTime clock) implements AsOf {}

    /** The time is before what is kept: the clock showed {@code oldest} at the oldest version kept. */
    record Before(LocalDateTime oldest) implements AsOf {}

    AsOf asOf(LocalDateTime time) {
        long t = micros(time);
        int lo = 0; // the first tick whose clock is past t: its version less one is the answer
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (clock(mid) > t) hi = mid;
            else lo = mid + 1;
        }
        if (lo == size) return new NotYet(size == 0 ? null : EPOCH.plus(clock(size - 1), ChronoUnit.MICROS));
        if (lo == 0) return new Before(EPOCH.plus(clock(0), ChronoUnit.MICROS));
        return new At(version(lo) - 1);
    }

    private static long micros(LocalDateTime t) {
        return ChronoUnit.MICROS.between(EPOCH, t);
    }
}
