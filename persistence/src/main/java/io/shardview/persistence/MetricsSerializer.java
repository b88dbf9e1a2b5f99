package io.shardview.persistence;

import io.shardview.entity.metrics.MetricsEvent;
import io.shardview.entity.metrics.MetricsShardSnapshot;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Journal and snapshot serializer of metrics shards: the payload is the storage's own binary form
 * as is (a point batch's chunk-encoded points, a snapshot's sealed chunks), with no JSON around it;
 * a retention event is its two cutoffs as 8-byte integers; a heads-sealed event is empty.
 * Manifests carry a version so a later format can be read beside this one.
 */
public final class MetricsSerializer extends SerializerWithStringManifest {
    static final String POINTS_APPENDED = "points-appended.v1";
    static final String POINTS_BACKFILLED = "points-backfilled.v1";
    static final String SHARD_SNAPSHOT = "shard-snapshot.v1";
    static final String RETENTION_APPLIED = "retention-applied.v1";
    static final String HEADS_SEALED = "heads-sealed.v1";
    private static final byte[] EMPTY = new byte[0];

    private final int identifier;

    public MetricsSerializer(ExtendedActorSystem system) {
        this.identifier = identifierFromConfig(system);
    }

    private static int identifierFromConfig(ExtendedActorSystem system) {
        return system.settings().config().getInt("pekko.actor.serialization-identifiers.\"metrics-binary\"");
    }

    @Override
    public int identifier() {
        return identifier;
    }

    @Override
    public String manifest(Object o) {
        if (o instanceof MetricsEvent.PointsAppended appended) {
            return appended.backfill() ? POINTS_BACKFILLED : POINTS_APPENDED;
        }
        if (o instanceof MetricsShardSnapshot) return SHARD_SNAPSHOT;
        if (o instanceof MetricsEvent.RetentionApplied) return RETENTION_APPLIED;
        if (o instanceof MetricsEvent.HeadsSealed) return HEADS_SEALED;
        throw new IllegalArgumentException(
                "not a metrics journal type: " + o.getClass().getName());
    }

    @Override
    public byte[] toBinary(Object o) {
        if (o instanceof MetricsEvent.PointsAppended appended) return appended.bytes();
        if (o instanceof MetricsShardSnapshot snapshot) return snapshot.bytes();
        if (o instanceof MetricsEvent.RetentionApplied retention) {
            return ByteBuffer.allocate(2 * Long.BYTES)
                    .putLong(retention.rawCutoffMs())
                    .putLong(retention.rollupCutoffMs())
                    .array();
        }
        if (o instanceof MetricsEvent.HeadsSealed) return EMPTY;
        throw new IllegalArgumentException(
                "not a metrics journal type: " + o.getClass().getName());
    }

    @Override
    public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
        return switch (manifest) {
            case POINTS_APPENDED -> MetricsEvent.PointsAppended.fromBytes(bytes, false);
            case POINTS_BACKFILLED -> MetricsEvent.PointsAppended.fromBytes(bytes, true);
            case SHARD_SNAPSHOT -> new MetricsShardSnapshot(bytes);
            case RETENTION_APPLIED -> {
                if (bytes.length != 2 * Long.BYTES)
                    throw new NotSerializableException("corrupt retention event: " + bytes.length + " bytes");
                ByteBuffer cutoffs = ByteBuffer.wrap(bytes);
                yield new MetricsEvent.RetentionApplied(cutoffs.getLong(), cutoffs.getLong());
            }
            case HEADS_SEALED -> {
                if (bytes.length != 0)
                    throw new NotSerializableException("corrupt heads-sealed event: " + bytes.length + " bytes");
                yield new MetricsEvent.HeadsSealed();
            }
            default -> throw new NotSerializableException("unknown metrics manifest " + manifest);
        };
    }
}
