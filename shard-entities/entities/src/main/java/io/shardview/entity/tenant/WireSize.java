package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Upper bounds of what an ingest command serializes to (Jackson CBOR; the compact form it crosses nodes in,
 * io.shardview.persistence.IngestSerializer, fits the same bounds), found by walking its
 * values, so that a command that surely fits in a remoting frame goes through sharding as it is instead of being
 * serialized once more to measure it ({@code LargeMessages.viaSharding}). A bound is generous: three bytes a character
 * (UTF-8 of the BMP; a surrogate pair's four bytes are two characters), nine a number or a header, room for every
 * field name; a value of a type it does not know makes it unbounded, and the command is measured.
 */
final class WireSize {
    /** For the envelope: the class manifest, the reply's actor path, the list and record headers. */
    private static final long FIXED = 4096;
    /** For an op's field names ("op", "table", "row", "key"), its kind and the headers of its maps. */
    private static final long PER_OP = 64;
    /** For a batch's field names, its deadline and its list header. */
    private static final long PER_BATCH = 64;

    private WireSize() {}

    /** At most the bytes of an {@code IngestMany} of these batches; {@link Long#MAX_VALUE} when unknown. */
    static long ingest(List<BatchRequest> batches) {
        long bytes = FIXED;
        for (BatchRequest batch : batches) {
            bytes += PER_BATCH + text(batch.batchId());
            for (IngestOp op : batch.ops()) {
                bytes += PER_OP + text(op.table());
                long row = columns(op.row());
                long key = columns(op.key());
                if (row == Long.MAX_VALUE || key == Long.MAX_VALUE) return Long.MAX_VALUE;
                bytes += row + key;
            }
        }
        return bytes;
    }

    private static long columns(Map<String, Object> values) {
        if (values == null) return 1;
        long bytes = 9;
        for (Map.Entry<String, Object> e : values.entrySet()) {
            long value = value(e.getValue());
            if (value == Long.MAX_VALUE) return Long.MAX_VALUE;
            bytes += text(e.getKey()) + value;
        }
        return bytes;
    }

    private static long value(Object v) {
        if (v == null || v instanceof Boolean) return 1;
        if (v instanceof String s) return text(s);
        if (v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte) return 9;
        if (v instanceof Double || v instanceof Float) return 9;
        if (v instanceof BigDecimal || v instanceof BigInteger) return 16 + text(v.toString());
        return Long.MAX_VALUE;
    }

    private static long text(String s) {
        return s == null ? 1 : 9 + 3L * s.length();
    }
}
