package io.shardview.persistence;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.shardview.entity.tenant.TenantSnapshot;
import java.io.IOException;
import java.io.OutputStream;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;
import org.apache.pekko.serialization.jackson.JacksonObjectMapperProvider;

/**
 * Tenant snapshots (binding tenant-snapshots, config/serialization.conf): Pekko's Jackson CBOR serializer of that
 * binding, whose bytes and identifier these are, and which can also write a snapshot to a stream in pieces
 * ({@link StreamingSerializer}), so the local snapshot store never holds a snapshot of hundreds of megabytes as one
 * array. Streams only while the binding compresses nothing (compressed, the bytes are Pekko's to make whole).
 */
public final class TenantSnapshotSerializer extends SerializerWithStringManifest implements StreamingSerializer {
    static final String BINDING = "tenant-snapshots";

    private final JacksonCborSerializer jackson;
    private final ObjectWriter writer;
    private final boolean uncompressed;

    public TenantSnapshotSerializer(ExtendedActorSystem system) {
        this.jackson = new JacksonCborSerializer(system, BINDING);
        this.writer = jackson.objectMapper().writer().without(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
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
}
