package io.shardview.entity.tenant;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.shardview.circuit.Circuit;
import io.shardview.circuit.data.ChunkedBytes;
import io.shardview.circuit.snapshot.CircuitImage;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.CompletableFuture;

/**
 * The circuit inside a {@link TenantSnapshot}. Taken from the entity as a {@link CircuitImage} (cheap,
 * on the entity's thread) and encoded only when the snapshot store serializes the snapshot, on the
 * store's thread (shardview.dispatchers.snapshots, config/dispatchers.conf), while the entity goes on
 * ingesting. Serialized as one byte string in the engine's snapshot format, as the earlier
 * {@code byte[]} field was, so older snapshots still read. Its bytes are held in chunks ({@link ChunkedBytes}),
 * written from them and read into them, never as one array: the snapshot store streams a snapshot of any size to
 * its file and back without an array of hundreds of megabytes to allocate and copy.
 */
@JsonSerialize(using = SnapshotCircuit.Writer.class)
@JsonDeserialize(using = SnapshotCircuit.Reader.class)
public final class SnapshotCircuit {
    private CircuitImage image; // dropped once encoded
    private ChunkedBytes bytes; // the image's bytes once encoded, or as read from a snapshot
    private final CompletableFuture<Void> durable;

    private SnapshotCircuit(CircuitImage image, ChunkedBytes bytes, CompletableFuture<Void> durable) {
        this.image = image;
        this.bytes = bytes;
        this.durable = durable;
    }

    /**
     * A circuit to be encoded when serialized, once {@code durable} completes: the journal may have acknowledged the
     * events it holds before syncing them, and a snapshot must never hold an event a power cut takes back.
     */
    static SnapshotCircuit of(CircuitImage image, CompletableFuture<Void> durable) {
        return new SnapshotCircuit(image, null, durable);
    }

    /**
     * The engine's snapshot bytes, encoded from the image on first use (by the serializer, on the snapshot store's
     * thread, which waits there for the events to be durable; a failed sync fails the snapshot).
     */
    private synchronized ChunkedBytes bytes() {
        if (bytes == null) {
            durable.join();
            ChunkedBytes out = new ChunkedBytes();
            try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16))) {
                image.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            bytes = out;
            image = null;
        }
        return bytes;
    }

    /** Decodes the circuit; views are restored, not recomputed. */
    Circuit restore() {
        try {
            return Circuit.readSnapshot(bytes().input());
        } catch (IOException e) {
            throw new UncheckedIOException("corrupt tenant snapshot", e);
        }
    }

    /** Writes the circuit as one byte string, from its chunks (the same bytes a {@code byte[]} field gave). */
    static final class Writer extends StdSerializer<SnapshotCircuit> {
        Writer() {
            super(SnapshotCircuit.class);
        }

        @Override
        public void serialize(SnapshotCircuit circuit, JsonGenerator gen, SerializerProvider provider)
                throws IOException {
            ChunkedBytes bytes = circuit.bytes();
            try (InputStream in = bytes.open()) {
                gen.writeBinary(in, Math.toIntExact(bytes.length()));
            }
        }
    }

    /** Reads the byte string into chunks, as the parser hands it over. */
    static final class Reader extends StdDeserializer<SnapshotCircuit> {
        Reader() {
            super(SnapshotCircuit.class);
        }

        @Override
        public SnapshotCircuit deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            ChunkedBytes bytes = new ChunkedBytes();
            parser.readBinaryValue(bytes);
            return new SnapshotCircuit(null, bytes, CompletableFuture.completedFuture(null));
        }
    }
}
