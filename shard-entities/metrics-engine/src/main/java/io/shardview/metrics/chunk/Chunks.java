package io.shardview.metrics.chunk;

/**
 * Entry point of the chunk codecs: encodes with whichever codec is smaller for this chunk and
 * dispatches reads on the first byte (the codec tag), so chunks of both kinds mix freely.
 */
public final class Chunks {
    /** Upper bound on points in one chunk, a guard against corrupt headers. */
    public static final int MAX_POINTS = 1 << 24;

    private Chunks() {}

    /**
     * Encodes points {@code [from, from+n)} with both codecs and keeps the smaller (ties go to the
     * decimal codec). Timestamps need not be sorted; any longs and doubles round-trip exactly.
     * The XOR encoding is skipped when even its lower bound cannot beat the decimal chunk: the
     * choice is the same, and on decimal data (most metrics) it costs half as much.
     */
    public static byte[] encode(long[] ts, double[] values, int from, int n) {
        byte[] decimal = DecimalChunk.encode(ts, values, from, n);
        if (decimal.length <= XorChunk.minEncodedBytes(values, from, n, decimal.length)) {
            return decimal;
        }
        byte[] xor = XorChunk.encode(ts, values, from, n);
        return xor.length < decimal.length ? xor : decimal;
    }

    /** Encodes all points of the two parallel arrays. */
    public static byte[] encode(long[] ts, double[] values) {
        if (ts.length != values.length) {
            throw new IllegalArgumentException("timestamps and values differ in length");
        }
        return encode(ts, values, 0, ts.length);
    }

    /** Returns a cursor over any chunk produced by this package. */
    public static ChunkIterator iterator(byte[] chunk) {
        if (chunk.length == 0) {
            throw new IllegalArgumentException("empty chunk");
        }
        return switch (chunk[0]) {
            case XorChunk.TAG -> XorChunk.iterator(chunk);
            case DecimalChunk.TAG, DecimalChunk.PACKED_TAG -> DecimalChunk.iterator(chunk);
            default -> throw new IllegalArgumentException("unknown chunk codec tag " + chunk[0]);
        };
    }

    /**
     * Decodes every point of {@code chunk} into {@code ts} and {@code values} from index {@code at} (which have room
     * for {@link #count} of them); returns how many. Decimal chunks decode straight into the arrays.
     */
    public static int decodeInto(byte[] chunk, long[] ts, double[] values, int at) {
        if (chunk.length > 0 && (chunk[0] == DecimalChunk.TAG || chunk[0] == DecimalChunk.PACKED_TAG)) {
            return DecimalChunk.decodeInto(chunk, ts, values, at);
        }
        return iterator(chunk).copyRest(ts, values, at);
    }

    /** Number of points in a chunk, read from its header. */
    public static int count(byte[] chunk) {
        if (chunk.length == 0) {
            throw new IllegalArgumentException("empty chunk");
        }
        long n = new BitReader(chunk, 1).readVarLong();
        if (n < 0 || n > MAX_POINTS) {
            throw new IllegalArgumentException("corrupt chunk: " + n + " points");
        }
        return (int) n;
    }
}
