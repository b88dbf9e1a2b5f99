package io.shardview.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.shardview.entity.tenant.TenantSnapshot;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Tenant snapshots (binding tenant-snapshots, config/serialization.conf): Pekko's Jackson CBOR serializer of that
 * binding, whose bytes and identifier these are, and which can also write a snapshot to a stream in pieces
 * ({@link StreamingSerializer}), so the local snapshot store never holds a snapshot of hundreds of megabytes as one
 * array, and read one back the same way. Streams only while the binding compresses nothing and no manifest names
 * a migration (compressed or migrated, the bytes are Pekko's to take whole).
 */
public final class TenantSnapshotSerializer extends SerializerWithStringManifest implements StreamingSerializer {
    static final String BINDING = "tenant-snapshots";

    private final JacksonCborSerializer jackson;
    private final ObjectWriter writer;
    private final ObjectReader reader;
    private final boolean uncompressed;

    public TenantSnapshotSerializer(ExtendedActorSystem system) {
        this.jackson = new JacksonCborSerializer(system, BINDING);
        this.writer = jackson.objectMapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        this.reader = jackson.objectMapper().readerFor(TenantSnapshot.class);
        this.uncompressed = JacksonObjectMapperProvider.configForBinding(
                        BINDING, system.settings().config())
                .getString("compression.algorithm")
                .equals("off");
    }

    @Override
    public int identifier() {
        return jackson.identifier();
    }

    @Override
    public String manifest(Object o) {
        return jackson.manifest(o);
    }

    @Override
    public byte[] toBinary(Object o) {
        return jackson.toBinary(o);
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) {
        return jackson.fromBinary(bytes, manifest);
    }

    @Override
    public boolean streams(Object o) {
        return uncompressed && o instanceof TenantSnapshot;
    }

    @Override
    public void toStream(Object o, OutputStream out) throws IOException {
        jackson.manifest(o); // Pekko's checks of the class, as toBinary makes them
        writer.writeValue(out, o);
    }

    @Override
    public boolean readsStreams(String manifest) {
        return uncompressed && manifest.isEmpty();
    }

    /** A CBOR map, as Jackson writes a snapshot; anything else (compressed bytes) goes to Pekko's reading. */
    @Override
    public Object fromStream(InputStream in, String manifest) throws IOException {
        InputStream marked = in.markSupported() ? in : new BufferedInputStream(in);
        marked.mark(1);
        int first = marked.read();
        marked.reset();
        if ((first & 0xE0) != 0xA0) return jackson.fromBinary(marked.readAllBytes(), manifest);
        return reader.readValue(marked);
    }
}
