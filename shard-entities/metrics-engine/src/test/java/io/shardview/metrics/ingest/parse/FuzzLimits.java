package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.ingest.SampleBatch;
import java.nio.charset.StandardCharsets;

/** Limits small enough for fuzzed inputs (at most a few KiB) to reach each of them, and what a batch parsed under them holds. */
final class FuzzLimits {
    static final IngestLimits SMALL = new IngestLimits(200, 20, 8, 32, 64);

    private FuzzLimits() {}

    /**
     * Fails unless {@code out}'s batch is within {@link #SMALL}: canonical label sets of valid text, within every limit.
     * {@code source} is the text the parser read (decompressed): a U+FFFD in a label must come from it, spelled in
     * UTF-8 or as a JSON escape, never from a byte sequence the parser replaced.
     */
    static void assertWithin(SampleBatchBuilder out, byte[] source) {
        boolean replacementSent = holdsReplacementCharacter(source);
        SampleBatch batch = out.build();
        assertTrue(batch.size() <= SMALL.maxSamplesPerRequest(), "samples within the limit");
        assertTrue(batch.seriesCount() <= SMALL.maxSeriesPerRequest(), "series within the limit");
        for (int s = 0; s < batch.seriesCount(); s++) {
            String[] pairs = batch.labels(s);
            assertTrue(pairs.length / 2 <= SMALL.maxLabelsPerSeries(), "labels within the limit");
            boolean named = false;
            for (int p = 0; p < pairs.length; p += 2) {
                assertFalse(pairs[p].isEmpty() || pairs[p + 1].isEmpty(), "no empty name or value");
                if (p > 0) assertTrue(pairs[p - 2].compareTo(pairs[p]) < 0, "sorted by name, each once");
                assertTrue(utf8Bytes(pairs[p]) <= SMALL.maxLabelNameBytes(), "name within the limit");
                assertTrue(utf8Bytes(pairs[p + 1]) <= SMALL.maxLabelValueBytes(), "value within the limit");
                assertFalse(
                        !replacementSent && (pairs[p] + pairs[p + 1]).contains("\uFFFD"), "no replacement character");
                named |= pairs[p].equals("__name__");
            }
            assertTrue(named, "a metric name");
        }
    }

    /** The UTF-8 length, failing on text that UTF-8 cannot hold (what was stored is what export writes). */
    private static int utf8Bytes(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        assertEquals(text, new String(bytes, StandardCharsets.UTF_8), "valid text, not replaced");
        return bytes.length;
    }

    /** Whether {@code source} spells U+FFFD itself: its UTF-8 bytes EF BF BD, or the JSON escape {@code \\ufffd}. */
    private static boolean holdsReplacementCharacter(byte[] source) {
        String latin1 = new String(source, StandardCharsets.ISO_8859_1);
        return latin1.contains("\u00ef\u00bf\u00bd")
                || latin1.toLowerCase(java.util.Locale.ROOT).contains("\\ufffd");
    }
}
