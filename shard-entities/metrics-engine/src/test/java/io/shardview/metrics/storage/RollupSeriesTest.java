package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class RollupSeriesTest {
    static final long W = Resolution.FIVE_MINUTES.millis();

    static RollupSeries withBuckets(int n) {
        RollupSeries r = new RollupSeries(W);
        for (int b = 0; b < n; b++) {
            r.append(b * W, b * 0.25);
            r.append(b * W + 1000, -b);
        }
        return r;
    }

    @Test
    void frozenBlocksReadBackExactlyAsTheActiveBucketsWere() {
        RollupSeries r = withBuckets(200);
        List<RollupBucket> before = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        r.freeze(100 * W); // buckets ending at or before 100*W can no longer change
        assertEquals(1, r.frozen.size());
        assertEquals(200 - RollupSeries.FREEZE_BLOCK, r.size);
        assertEquals(before, r.range(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(before.subList(60, 70), r.range(60 * W, 69 * W));
    }

    @Test
    void fullFrozenBlocksAreMergedIntoOneLongBlockThatReadsBackTheSame() {
        RollupSeries r = withBuckets(1200);
        List<RollupBucket> before = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        for (int i = 0; i < 40; i++) {
            r.freeze(Long.MAX_VALUE);
        }
        assertEquals(
                RollupSeries.MERGED_BLOCKS * RollupSeries.FREEZE_BLOCK,
                r.frozen.get(0).size());
        assertEquals(before, r.range(Long.MIN_VALUE, Long.MAX_VALUE));
        assertEquals(before.subList(500, 510), r.range(500 * W, 509 * W));
    }

    @Test
    void retentionInsideAMergedBlockDropsExactlyTheOlderBuckets() {
        RollupSeries r = withBuckets(1200);
        List<RollupBucket> before = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        for (int i = 0; i < 40; i++) {
            r.freeze(Long.MAX_VALUE);
        }
        assertTrue(r.dropBefore(100 * W));
        assertEquals(before.subList(100, before.size()), r.range(Long.MIN_VALUE, Long.MAX_VALUE));
        assertFalse(r.dropBefore(100 * W), "nothing more to drop");
    }

    @Test
    void bucketsStillOpenAreNotFrozen() {
        RollupSeries r = withBuckets(200);
        r.freeze(RollupSeries.FREEZE_BLOCK * W - 1); // the 64th bucket is still open
        assertEquals(0, r.frozen.size());
    }

    @Test
    void retentionDropsWholeFrozenBlocksAndOldActiveBuckets() {
        RollupSeries r = withBuckets(200);
        r.freeze(100 * W);
        r.dropBefore(70 * W);
        assertEquals(0, r.frozen.size());
        List<RollupBucket> left = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(130, left.size());
        assertEquals(70 * W, left.get(0).startMs());
    }

    @Test
    void recomputingAFrozenBucketThawsItsBlocksAndFreezingAgainKeepsEveryOtherBucket() {
        RollupSeries r = withBuckets(200);
        r.freeze(100 * W);
        List<RollupBucket> before = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        r.replace(3 * W, new Points(new long[] {3 * W + 1, 3 * W + 2}, new double[] {7, 9}));
        r.freezeAll(100 * W);
        assertFalse(r.frozen.isEmpty());
        List<RollupBucket> after = r.range(Long.MIN_VALUE, Long.MAX_VALUE);
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            if (before.get(i).startMs() == 3 * W) {
                assertEquals(new RollupBucket(3 * W, 2, 16, 7, 9, 9, 3 * W + 1, 7, 3 * W + 2, 0), after.get(i));
            } else {
                assertEquals(before.get(i), after.get(i));
            }
        }
    }
}
