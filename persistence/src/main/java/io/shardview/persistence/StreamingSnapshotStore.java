package io.shardview.persistence;

import com.typesafe.config.Config;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.persistence.serialization.Snapshot;
import org.apache.pekko.persistence.snapshot.local.LocalSnapshotStore;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import scala.Option;

/**
 * Pekko's local snapshot store (plugin pekko.persistence.snapshot-store.local, its directory and file names), which
 * writes a snapshot whose serializer can stream it ({@link StreamingSerializer}) to its file in pieces, and reads it
 * back so. Pekko's own store makes the file's bytes as one array first, copying a snapshot of hundreds of megabytes
 * whole several times over (and reads the file into one array, then copies it twice more): no safepoint interrupts
 * such a copy, so every thread of the node waits at the next one until it ends (with a tenant of 3 million rows,
 * safepoints waited 40-310 ms for it at each snapshot, and the 10-row batches' p99 at half of capacity reached 37 ms;
 * bench/RESULTS.md). The file is byte for byte what Pekko writes (its snapshot envelope: the header's length, the
 * serializer's id and manifest, then the serializer's bytes), so Pekko's own path reads it too, and this one reads
 * what Pekko wrote.
 */
public final class StreamingSnapshotStore extends LocalSnapshotStore {
    /** The longest envelope header read as one: a serializer id and a manifest (a class name at most). */
    private static final int MAX_HEADER = 4096;

    private final Serialization serialization;

    public StreamingSnapshotStore(Config config) {
        super(config);
        this.serialization = SerializationExtension.get(context().system());
    }

    @Override
    public void serialize(OutputStream out, Snapshot snapshot) {
        Object data = snapshot.data();
        Serializer serializer = serialization.findSerializerFor(data);
        if (!(serializer instanceof StreamingSerializer streaming) || !streaming.streams(data)) {
            super.serialize(out, snapshot);
            return;
        }
        try {
            byte[] manifest = Serializers.manifestFor(serializer, data).getBytes(StandardCharsets.UTF_8);
            writeInt(out, 4 + manifest.length);
            writeInt(out, serializer.identifier());
            out.write(manifest);
            streaming.toStream(data, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Snapshot deserialize(InputStream in) {
        if (!in.markSupported()) return super.deserialize(in);
        try {
            in.mark(4 + MAX_HEADER);
            int headerLength = readInt(in);
            if (headerLength >= 4 && headerLength <= MAX_HEADER) {
                int id = readInt(in);
                byte[] manifestBytes = in.readNBytes(headerLength - 4);
                String manifest = new String(manifestBytes, StandardCharsets.UTF_8);
                Option<Serializer> serializer =
                        serialization.serializerByIdentity().get(id);
                if (manifestBytes.length == headerLength - 4
                        && serializer.isDefined()
                        && serializer.get() instanceof StreamingSerializer streaming
                        && streaming.readsStreams(manifest)) {
                    return new Snapshot(streaming.fromStream(in, manifest));
                }
            }
            in.reset();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return super.deserialize(in);
    }

    /** Little-endian, as Pekko's SnapshotSerializer reads its envelope's integers. */
    private static int readInt(InputStream in) throws IOException {
        byte[] b = in.readNBytes(4);
        if (b.length < 4) return -1;
        return (b[0] & 0xFF) | (b[1] & 0xFF) << 8 | (b[2] & 0xFF) << 16 | (b[3] & 0xFF) << 24;
    }

    /** Little-endian, as Pekko's SnapshotSerializer writes its envelope's integers. */
    private static void writeInt(OutputStream out, int i) throws IOException {
        out.write(i);
        out.write(i >>> 8);
        out.write(i >>> 16);
        out.write(i >>> 24);
    }
}
