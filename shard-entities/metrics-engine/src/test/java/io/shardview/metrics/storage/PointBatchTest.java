package io.shardview.metrics.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.metrics.index.Labels;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PointBatchTest {

    @Test
    void pointsAreGroupedBySeriesInFirstSeenOrderKeepingArrivalOrder() {
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        PointBatch batch =
                PointBatch.builder().add(b, 5, 1).add(a, 9, 2).add(b, 3, 3).build();
        assertEquals(b, batch.series().get(0).labels());
        assertArrayEquals(new long[] {5, 3}, batch.series().get(0).timestamps());
        assertEquals(3, batch.pointCount());
    }

    @Test
    void aRangeOfPointsJoinsItsSeriesGroupAfterEarlierPoints() {
        Labels a = Labels.of("__name__", "a");
        Labels b = Labels.of("__name__", "b");
        long[] ts = {10, 20, 30, 40};
        double[] vs = {1, 2, 3, 4};
        PointBatch batch = PointBatch.builder()
                .add(b, 5, 0)
                .add(a, ts, vs, 1, 2)
                .add(b, ts, vs, 0, 4)
                .build();
        assertEquals(b, batch.series().get(0).labels());
        assertArrayEquals(new long[] {5, 10, 20, 30, 40}, batch.series().get(0).timestamps());
        assertArrayEquals(new long[] {20, 30}, batch.series().get(1).timestamps());
        assertArrayEquals(new double[] {2, 3}, batch.series().get(1).values());
        assertEquals(7, batch.pointCount());
    }

    @Test
    void binaryFormRoundTripsEveryTimestampAndValueBit() throws IOException {
        for (long seed = 0; seed < 30; seed++) {
            Random rnd = new Random(seed);
            PointBatch.Builder builder = PointBatch.builder();
            for (int i = 0; i < rnd.nextInt(300); i++) {
                Labels l = Labels.of("__name__", "m", "i", Integer.toString(rnd.nextInt(7)));
                long ts = rnd.nextBoolean() ? rnd.nextLong() : 1_700_000_000_000L + rnd.nextInt(100_000);
                double v = rnd.nextInt(4) == 0 ? ChunkRoundTripValues.special(rnd) : rnd.nextInt(9999) / 100.0;
                builder.add(l, ts, v);
            }
            PointBatch batch = builder.build();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            batch.write(new DataOutputStream(bytes));
            PointBatch back = PointBatch.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
            assertEquals(batch.series().size(), back.series().size(), "seed " + seed);
            for (int s = 0; s < batch.series().size(); s++) {
                PointBatch.SeriesPoints x = batch.series().get(s);
                PointBatch.SeriesPoints y = back.series().get(s);
                assertEquals(x.labels(), y.labels());
                assertArrayEquals(x.timestamps(), y.timestamps(), "seed " + seed);
                for (int p = 0; p < x.values().length; p++) {
                    assertEquals(
                            Double.doubleToRawLongBits(x.values()[p]),
                            Double.doubleToRawLongBits(y.values()[p]),
                            "seed " + seed);
                }
            }
        }
    }
}
