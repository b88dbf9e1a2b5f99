package io.shardview.entity.metrics;

import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.pekko.persistence.typed.SnapshotAdapter;

/**
 * A metrics shard's snapshot: the storage's binary form, sealed chunks stored as their encoded
 * bytes (never re-encoded), so the snapshot costs about the codec's bytes per point. Taken
 * synchronously in the entity; the mutable storage never leaves it.
 */
public record MetricsShardSnapshot(byte[] bytes) {

    /** Restored shards run under {@code current}, the node's settings now, not those they were written with. */
    static SnapshotAdapter<ShardStorage> adapter(StorageConfig current) {
        return new SnapshotAdapter<>() {
            @Override
            public Object toJournal(ShardStorage storage) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                try (DataOutputStream data = new DataOutputStream(out)) {
                    storage.writeSnapshot(data);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                return new MetricsShardSnapshot(out.toByteArray());
            }

            @Override
            public ShardStorage fromJournal(Object from) {
                try (DataInputStream in =
                        new DataInputStream(new ByteArrayInputStream(((MetricsShardSnapshot) from).bytes()))) {
                    return ShardStorage.readSnapshot(in, current);
                } catch (IOException e) {
                    throw new UncheckedIOException("corrupt metrics shard snapshot", e);
                }
            }
        };
    }
}
