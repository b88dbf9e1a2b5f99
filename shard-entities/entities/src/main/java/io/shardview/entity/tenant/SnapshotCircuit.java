package io.shardview.entity.tenant;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import io.shardview.circuit.Circuit;
import io.shardview.circuit.data.ByteArrayInput;
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
 * {@code byte[]} field was, so older snapshots still read. Encoded into chunks ({@link ChunkedBytes}) and
 * written from them, so the store can stream a snapshot of any size to its file without one array holding it.
 */
@JsonSerialize(using = SnapshotCircuit.Writer.class)
public final class SnapshotCircuit {
    private CircuitImage image; // dropped once encoded
    private ChunkedBytes encoded; // the image's bytes, once encoded
    private byte[] bytes; // as read from a snapshot
    private final CompletableFuture<Void> durable;

    private SnapshotCircuit(CircuitImage image, byte[] bytes, CompletableFuture<Void> durable) {
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

    /** A circuit read from a snapshot. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static SnapshotCircuit fromBytes(byte[] bytes) {
        return new SnapshotCircuit(null, bytes, CompletableFuture.completedFuture(null));
    }

    /**
     * The engine's snapshot bytes, encoded from the image on first use (by the serializer, on the snapshot store's
     * thread, which waits there for the events to be durable; a failed sync fails the snapshot).
     */
    private synchronized ChunkedBytes encoded() {
        if (encoded == null) {
            durable.join();
            ChunkedBytes out = new ChunkedBytes();
            try (DataOutputStream data = new DataOutputStream(new BufferedOutputStream(out, 1 << 16))) {
                image.write(data);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            encoded = out;
            image = null;
        }
        return encoded;
    }

    /** Decodes the circuit; views are restored, not recomputed. */
    Circuit restore() {
        try {
            return Circuit.readSnapshot(
                    new ByteArrayInput(bytes != null ? bytes : encoded().toByteArray()));
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
            if (circuit.bytes != null) {
                gen.writeBinary(circuit.bytes);
                return;
            }
            ChunkedBytes encoded = circuit.encoded();
            try (InputStream in = encoded.open()) {
                gen.writeBinary(in, Math.toIntExact(encoded.length()));
            }
        }
    }
}
