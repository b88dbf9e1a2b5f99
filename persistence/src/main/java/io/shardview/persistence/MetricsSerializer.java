package io.shardview.persistence;

import io.shardview.entity.metrics.MetricsEvent;
import io.shardview.entity.metrics.MetricsShardSnapshot;
import java.io.NotSerializableException;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Journal and snapshot serializer of metrics shards: the payload is the storage's own binary form
 * as is (a point batch's chunk-encoded points, a snapshot's sealed chunks), with no JSON around it.
 * Manifests carry a version so a later format can be read beside this one.
 */
public final class MetricsSerializer extends SerializerWithStringManifest {
  static final String POINTS_APPENDED = "points-appended.v1";
  static final String SHARD_SNAPSHOT = "shard-snapshot.v1";

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
    if (o instanceof MetricsEvent.PointsAppended) return POINTS_APPENDED;
    if (o instanceof MetricsShardSnapshot) return SHARD_SNAPSHOT;
    throw new IllegalArgumentException("not a metrics journal type: " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof MetricsEvent.PointsAppended appended) return appended.bytes();
    if (o instanceof MetricsShardSnapshot snapshot) return snapshot.bytes();
    throw new IllegalArgumentException("not a metrics journal type: " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    return switch (manifest) {
      case POINTS_APPENDED -> MetricsEvent.PointsAppended.fromBytes(bytes);
      case SHARD_SNAPSHOT -> new MetricsShardSnapshot(bytes);
      default -> throw new NotSerializableException("unknown metrics manifest " + manifest);
    };
  }
}
