package io.shardview.persistence;

import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import io.shardview.entity.tenant.TenantProtocol.IngestReply;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import io.shardview.entity.tenant.TenantProtocol.Ingested;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ViewCount;
import java.io.NotSerializableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * The wire form of ingest, the one message pair that crosses nodes at the rate clients send batches: an
 * {@link IngestMany} from the node that took the HTTP request to the tenant's node, and its {@link IngestResults}
 * back. Jackson CBOR, the binding of every other message, spent a seventh of a node's CPU on these two in a 3-node
 * cluster (bench/RESULTS.md, "where their CPU goes"): it names every field of every op and looks each record up by
 * reflection; with this form the cluster spends about a tenth less CPU per row update. Here a batch is its values in order, with a byte saying each value's type, so a value comes back as
 * the same Java type it left as (a Long stays a Long, a BigDecimal keeps its scale), as with CBOR.
 *
 * <p>A refused batch's reply carries details of any shape; it is rare, and travels as Jackson CBOR inside.
 * Manifests carry a version, so a later form can be read beside this one.
 */
public final class IngestSerializer extends SerializerWithStringManifest {
    static final String INGEST_MANY = "ingest-many.v1";
    /** Replies with the answering node's URL after them (v1, read still, had no URL). */
    static final String INGEST_RESULTS = "ingest-results.v2";

    static final String INGEST_RESULTS_V1 = "ingest-results.v1";

    // Value types.
    private static final int NULL = 0;
    private static final int FALSE = 1;
    private static final int TRUE = 2;
    private static final int LONG = 3;
    private static final int STRING = 4;
    private static final int DECIMAL = 5;
    private static final int DOUBLE = 6;
    private static final int BIG_INTEGER = 7;
    private static final int FLOAT = 8;
    private static final int LIST = 9;
    private static final int MAP = 10;
    private static final int INT = 11;

    // Reply types.
    private static final int INGESTED = 0;
    private static final int REFUSED = 1;

    private static final IngestOp.Kind[] KINDS = IngestOp.Kind.values();

    private final ExtendedActorSystem system;
    private final int identifier;
    private volatile ActorRefResolver resolver;
    private volatile Serialization serialization;

    public IngestSerializer(ExtendedActorSystem system) {
        this.system = system;
        this.identifier = system.settings().config().getInt("pekko.actor.serialization-identifiers.\"tenant-ingest\"");
    }

    @Override
    public int identifier() {
        return identifier;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof IngestMany) return INGEST_MANY;
        if (o instanceof IngestResults) return INGEST_RESULTS;
        throw new IllegalArgumentException(
                "not an ingest message: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        Out out = new Out();
        if (o instanceof IngestMany ingest) {
            writeIngest(out, ingest);
        } else if (o instanceof IngestResults results) {
            writeResults(out, results);
        } else {
            throw new IllegalArgumentException(
                    "not an ingest message: " + o.getClass().getName());
        }
        return out.bytes();
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        In in = new In(bytes);
        try {
            Object message =
                    switch (manifest) {
                        case INGEST_MANY -> readIngest(in);
                        case INGEST_RESULTS -> readResults(in, true);
                        case INGEST_RESULTS_V1 -> readResults(in, false);
                        default -> throw new NotSerializableException("unknown ingest manifest: " + manifest);
                    };
            if (in.position != bytes.length) {
                throw new NotSerializableException(manifest + ": " + (bytes.length - in.position) + " bytes left over");
            }
            return message;
        } catch (ArrayIndexOutOfBoundsException | IllegalArgumentException corrupt) {
            NotSerializableException e = new NotSerializableException(manifest + ": corrupt (" + corrupt + ")");
            e.initCause(corrupt);
            throw e;
        }
    }

    // ---- IngestMany -------------------------------------------------------------------------

    private void writeIngest(Out out, IngestMany ingest) {
        out.string(resolver().toSerializationFormat(ingest.replyTo()));
        out.varint(ingest.batches().size());
        for (BatchRequest batch : ingest.batches()) {
            out.string(batch.batchId());
            out.varlong(batch.deadlineMillis());
            out.varint(batch.ops().size());
            for (IngestOp op : batch.ops()) {
                out.varint(op.op().ordinal());
                out.string(op.table());
                writeColumns(out, op.row());
                writeColumns(out, op.key());
            }
        }
    }

    private IngestMany readIngest(In in) throws NotSerializableException {
        ActorRef<IngestResults> replyTo = resolver().resolveActorRef(in.string());
        int batchCount = in.count();
        List<BatchRequest> batches = new ArrayList<>(batchCount);
        for (int b = 0; b < batchCount; b++) {
            String batchId = in.string();
            long deadlineMillis = in.varlong();
            int opCount = in.count();
            List<IngestOp> ops = new ArrayList<>(opCount);
            for (int i = 0; i < opCount; i++) {
                int kind = in.varint();
                if (kind < 0 || kind >= KINDS.length) throw new NotSerializableException("unknown op kind " + kind);
                ops.add(new IngestOp(KINDS[kind], in.string(), readColumns(in), readColumns(in)));
            }
            batches.add(new BatchRequest(ops, batchId, deadlineMillis));
        }
        return new IngestMany(batches, replyTo);
    }

    /** A map of column values, or null: its size plus one (0 for null), then each name and value. */
    private static void writeColumns(Out out, Map<String, Object> values) {
        if (values == null) {
            out.varint(0);
            return;
        }
        out.varint(values.size() + 1);
        for (Map.Entry<String, Object> e : values.entrySet()) {
            out.string(e.getKey());
            writeValue(out, e.getValue());
        }
    }

    private static Map<String, Object> readColumns(In in) throws NotSerializableException {
        int sizePlusOne = in.varint();
        if (sizePlusOne == 0) return null;
        return readEntries(in, in.within(sizePlusOne - 1));
    }

    private static Map<String, Object> readEntries(In in, int size) throws NotSerializableException {
        Map<String, Object> values = new LinkedHashMap<>(Math.max(4, size * 4 / 3 + 1));
        for (int i = 0; i < size; i++) values.put(in.string(), readValue(in));
        return values;
    }

    private static void writeValue(Out out, Object v) {
        if (v == null) {
            out.write(NULL);
        } else if (v instanceof String s) {
            out.write(STRING);
            out.string(s);
        } else if (v instanceof Long l) {
            out.write(LONG);
            out.varlong(l);
        } else if (v instanceof Boolean b) {
            out.write(b ? TRUE : FALSE);
        } else if (v instanceof BigDecimal d) {
            out.write(DECIMAL);
            out.varlong(d.scale());
            out.blob(d.unscaledValue().toByteArray());
        } else if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            out.write(INT);
            out.varlong(((Number) v).intValue());
        } else if (v instanceof Double d) {
            out.write(DOUBLE);
            out.fixed64(Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            out.write(FLOAT);
            out.fixed32(Float.floatToRawIntBits(f));
        } else if (v instanceof BigInteger i) {
            out.write(BIG_INTEGER);
            out.blob(i.toByteArray());
        } else if (v instanceof List<?> list) {
            out.write(LIST);
            out.varint(list.size());
            for (Object element : list) writeValue(out, element);
        } else if (v instanceof Map<?, ?> map) {
            out.write(MAP);
            out.varint(map.size());
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!(e.getKey() instanceof String key)) {
                    throw new IllegalArgumentException("a map value's keys must be strings, not " + e.getKey());
                }
                out.string(key);
                writeValue(out, e.getValue());
            }
        } else {
            throw new IllegalArgumentException("an ingest value must be a JSON value, not a "
                    + v.getClass().getName());
        }
    }

    private static Object readValue(In in) throws NotSerializableException {
        int type = in.read();
        return switch (type) {
            case NULL -> null;
            case FALSE -> Boolean.FALSE;
            case TRUE -> Boolean.TRUE;
            case LONG -> in.varlong();
            case STRING -> in.string();
            case DECIMAL -> {
                int scale = (int) in.varlong();
                yield new BigDecimal(new BigInteger(in.blob()), scale);
            }
            case INT -> (int) in.varlong();
            case DOUBLE -> Double.longBitsToDouble(in.fixed64());
            case FLOAT -> Float.intBitsToFloat(in.fixed32());
            case BIG_INTEGER -> new BigInteger(in.blob());
            case LIST -> {
                int size = in.count();
                List<Object> list = new ArrayList<>(size);
                for (int i = 0; i < size; i++) list.add(readValue(in));
                yield list;
            }
            case MAP -> readEntries(in, in.count());
            default -> throw new NotSerializableException("unknown value type " + type);
        };
    }

    // ---- IngestResults ----------------------------------------------------------------------

    private void writeResults(Out out, IngestResults results) {
        out.varint(results.replies().size());
        for (IngestReply reply : results.replies()) {
            if (reply instanceof Ingested ingested) {
                out.write(INGESTED);
                out.varlong(ingested.version());
                out.varint(ingested.ops());
                out.write(ingested.duplicate() ? 1 : 0);
                Map<String, ViewCount> views = ingested.views();
                out.varint(views == null ? 0 : views.size() + 1);
                if (views != null) {
                    for (Map.Entry<String, ViewCount> view : views.entrySet()) {
                        out.string(view.getKey());
                        out.varlong(view.getValue().inserted());
                        out.varlong(view.getValue().deleted());
                    }
                }
            } else {
                Refused refused = (Refused) reply;
                SerializerWithStringManifest cbor = cborFor(refused.getClass());
                out.write(REFUSED);
                out.string(cbor.manifest(refused));
                out.blob(cbor.toBinary(refused));
            }
        }
        out.string(results.node());
    }

    private IngestResults readResults(In in, boolean withNode) throws NotSerializableException {
        int count = in.count();
        List<IngestReply> replies = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            int type = in.read();
            if (type == INGESTED) {
                long version = in.varlong();
                int ops = in.varint();
                boolean duplicate = in.read() != 0;
                int viewsPlusOne = in.varint();
                Map<String, ViewCount> views = null;
                if (viewsPlusOne != 0) {
                    int viewCount = in.within(viewsPlusOne - 1);
                    views = new LinkedHashMap<>(Math.max(4, viewCount * 4 / 3 + 1));
                    for (int v = 0; v < viewCount; v++) {
                        views.put(in.string(), new ViewCount(in.varlong(), in.varlong()));
                    }
                }
                replies.add(new Ingested(version, ops, views, duplicate));
            } else if (type == REFUSED) {
                String manifest = in.string();
                byte[] bytes = in.blob();
                Object refused = cborFor(Refused.class).fromBinary(bytes, manifest);
                if (!(refused instanceof Refused refusal)) {
                    throw new NotSerializableException("not a refusal: " + refused);
                }
                replies.add(refusal);
            } else {
                throw new NotSerializableException("unknown reply type " + type);
            }
        }
        return new IngestResults(replies, withNode ? in.string() : null);
    }

    /** The serializer the configuration binds {@code type} to (for a refusal: Jackson CBOR, as every reply but this pair). */
    private SerializerWithStringManifest cborFor(Class<?> type) {
        Serialization s = serialization;
        if (s == null) serialization = s = SerializationExtension.get(system);
        try {
            return (SerializerWithStringManifest) s.serializerFor(type);
        } catch (Exception unbound) { // Scala's NotSerializableException, undeclared: SerializationCheck prevents it
            throw new IllegalStateException("no serializer bound to " + type.getName(), unbound);
        }
    }

    private ActorRefResolver resolver() {
        ActorRefResolver r = resolver;
        if (r == null) resolver = r = ActorRefResolver.get(Adapter.toTyped(system));
        return r;
    }

    // ---- bytes ------------------------------------------------------------------------------

    /** A growing byte array: varints (LEB128, longs zigzag-coded) and length-prefixed UTF-8 strings. */
    private static final class Out {
        private byte[] buffer = new byte[256];
        private int length;

        void write(int b) {
            if (length == buffer.length) buffer = Arrays.copyOf(buffer, buffer.length * 2);
            buffer[length++] = (byte) b;
        }

        void varint(int value) {
            varlongUnsigned(value & 0xffffffffL);
        }

        void varlong(long value) {
            varlongUnsigned((value << 1) ^ (value >> 63));
        }

        private void varlongUnsigned(long value) {
            while ((value & ~0x7fL) != 0) {
                write((int) ((value & 0x7f) | 0x80));
                value >>>= 7;
            }
            write((int) value);
        }

        void fixed64(long value) {
            for (int i = 0; i < 8; i++) write((int) (value >>> (8 * i)));
        }

        void fixed32(int value) {
            for (int i = 0; i < 4; i++) write(value >>> (8 * i));
        }

        /** A string, or null: its UTF-8 length plus one (0 for null), then the bytes. */
        void string(String s) {
            if (s == null) {
                write(0);
                return;
            }
            byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
            varint(utf8.length + 1);
            bytes(utf8);
        }

        void blob(byte[] bytes) {
            varint(bytes.length);
            bytes(bytes);
        }

        private void bytes(byte[] bytes) {
            if (length + bytes.length > buffer.length) {
                buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, length + bytes.length));
            }
            System.arraycopy(bytes, 0, buffer, length, bytes.length);
            length += bytes.length;
        }

        byte[] bytes() {
            return Arrays.copyOf(buffer, length);
        }
    }

    private static final class In {
        private final byte[] bytes;
        private int position;

        In(byte[] bytes) {
            this.bytes = bytes;
        }

        int read() {
            return bytes[position++] & 0xff;
        }

        int varint() throws NotSerializableException {
            long value = varlongUnsigned();
            if (value > 0xffffffffL) throw new NotSerializableException("varint out of range: " + value);
            return (int) value;
        }

        /** A count of things that follow, each at least a byte: never more than the bytes left. */
        int count() throws NotSerializableException {
            return within(varint());
        }

        /** {@code count}, if that many things of at least a byte each can follow. */
        int within(int count) throws NotSerializableException {
            if (count < 0 || count > bytes.length - position) {
                throw new NotSerializableException("count " + count + " past the end of the message");
            }
            return count;
        }

        long varlong() throws NotSerializableException {
            long raw = varlongUnsigned();
            return (raw >>> 1) ^ -(raw & 1);
        }

        private long varlongUnsigned() throws NotSerializableException {
            long value = 0;
            for (int shift = 0; shift < 64; shift += 7) {
                int b = read();
                value |= (long) (b & 0x7f) << shift;
                if ((b & 0x80) == 0) return value;
            }
            throw new NotSerializableException("varint longer than 10 bytes");
        }

        long fixed64() {
            long value = 0;
            for (int i = 0; i < 8; i++) value |= (long) read() << (8 * i);
            return value;
        }

        int fixed32() {
            int value = 0;
            for (int i = 0; i < 4; i++) value |= read() << (8 * i);
            return value;
        }

        String string() throws NotSerializableException {
            int length = varint();
            if (length == 0) return null;
            int size = length - 1;
            if (size < 0 || size > bytes.length - position) throw new NotSerializableException("string past the end");
            String s = new String(bytes, position, size, StandardCharsets.UTF_8);
            position += size;
            return s;
        }

        byte[] blob() throws NotSerializableException {
            int size = count();
            byte[] blob = Arrays.copyOfRange(bytes, position, position + size);
            position += size;
            return blob;
        }
    }
}
