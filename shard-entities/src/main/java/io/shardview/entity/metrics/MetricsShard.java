package io.shardview.entity.metrics;

import io.shardview.entity.CborSerializable;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.storage.AppendResult;
import io.shardview.metrics.storage.PointBatch;
import io.shardview.metrics.storage.SelectedSeries;
import io.shardview.metrics.storage.ShardStorage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.SupervisorStrategy;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.SnapshotAdapter;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.Effect;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * One of a tenant's metrics shards as a persistent sharded entity (entity id {@code tenant.n}).
 * A series lives in shard {@code labels.shard(N)}. An append is checked against the storage (which
 * points the out-of-order window rejects), persisted as one binary point batch, applied, and only
 * then acknowledged. Snapshots hold the storage with its sealed chunks as encoded.
 */
public final class MetricsShard extends EventSourcedBehavior<MetricsShard.Command, MetricsEvent, ShardStorage> {
  /** Sharding type key of metrics shards. */
  public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "metrics-shard");

  /** The entity id of shard {@code shard} of {@code tenant}. */
  public static String entityId(String tenant, int shard) {
    return tenant + "." + shard; // tenant names have no dot
  }

  /** Messages a metrics shard accepts. */
  public sealed interface Command extends CborSerializable permits Append, Select {}

  /** Store a batch of points (its binary {@link PointBatch} form). */
  public record Append(byte[] batch, ActorRef<Appended> replyTo) implements Command {}

  /** The shard's answer to an append: points stored, and points older than the out-of-order window. */
  public record Appended(int accepted, int rejectedOutOfOrder) implements CborSerializable {}

  /** Series matching every matcher, with their points in [start, end] (milliseconds). */
  public record Select(List<MatcherSpec> matchers, long startMs, long endMs, ActorRef<Selected> replyTo)
      implements Command {}

  /** A label matcher as sent over the wire: type is one of = != =~ !~. */
  public record MatcherSpec(String type, String name, String value) {
    Matcher toMatcher() {
      return switch (type) {
        case "=" -> Matcher.eq(name, value);
        case "!=" -> Matcher.neq(name, value);
        case "=~" -> Matcher.re(name, value);
        case "!~" -> Matcher.nre(name, value);
        default -> throw new IllegalArgumentException("unknown matcher type " + type);
      };
    }
  }

  /** Series picked by a {@link Select}. */
  public record Selected(List<SeriesPoints> series) implements CborSerializable {}

  /** One series' labels and points. */
  public record SeriesPoints(Map<String, String> labels, long[] timestamps, double[] values) {}

  /** Registers metrics shards with this node's sharding. */
  public static void init(ActorSystem<?> system, MetricsSettings settings) {
    ClusterSharding.get(system).init(Entity.of(ENTITY_KEY,
        context -> new MetricsShard(context.getEntityId(), settings)));
  }

  private final MetricsSettings settings;

  private MetricsShard(String entityId, MetricsSettings settings) {
    super(PersistenceId.of("metrics", entityId),
        SupervisorStrategy.restartWithBackoff(Duration.ofMillis(200), Duration.ofSeconds(5), 0.2));
    this.settings = settings;
  }

  @Override
  public ShardStorage emptyState() {
    return new ShardStorage(settings.storage());
  }

  @Override
  public SnapshotAdapter<ShardStorage> snapshotAdapter() {
    return MetricsShardSnapshot.adapter();
  }

  @Override
  public RetentionCriteria retentionCriteria() {
    // Sealed data lives on in snapshots; point batches older than the kept snapshots are deleted,
    // so the journal holds about the codec's bytes per point, not every raw batch.
    return RetentionCriteria.snapshotEvery(settings.snapshotEveryEvents(), settings.keepSnapshots())
        .withDeleteEventsOnSnapshot();
  }

  @Override
  public EventHandler<ShardStorage, MetricsEvent> eventHandler() {
    return (storage, event) -> {
      storage.append(((MetricsEvent.PointsAppended) event).batch());
      return storage;
    };
  }

  @Override
  public CommandHandler<Command, MetricsEvent, ShardStorage> commandHandler() {
    return newCommandHandlerBuilder().forAnyState()
        .onCommand(Append.class, this::onAppend)
        .onCommand(Select.class, (storage, select) -> Effect().reply(select.replyTo(), select(storage, select)))
        .build();
  }

  private Effect<MetricsEvent, ShardStorage> onAppend(ShardStorage storage, Append append) {
    PointBatch batch = MetricsEvent.decode(append.batch());
    AppendResult expected = storage.check(batch);
    Appended reply = new Appended(expected.accepted(), expected.rejectedOutOfOrder());
    if (expected.accepted() == 0) return Effect().reply(append.replyTo(), reply);
    return Effect().persist(MetricsEvent.PointsAppended.of(append.batch(), batch))
        .thenReply(append.replyTo(), s -> reply);
  }

  private static Selected select(ShardStorage storage, Select select) {
    List<Matcher> matchers = select.matchers().stream().map(MatcherSpec::toMatcher).toList();
    List<SeriesPoints> out = new ArrayList<>();
    for (SelectedSeries series : storage.select(matchers, select.startMs(), select.endMs())) {
      if (series.points().size() == 0) continue;
      out.add(new SeriesPoints(labels(series.labels()), series.points().timestamps(), series.points().values()));
    }
    return new Selected(out);
  }

  private static Map<String, String> labels(Labels labels) {
    Map<String, String> map = new LinkedHashMap<>();
    for (int i = 0; i < labels.size(); i++) map.put(labels.name(i), labels.value(i));
    return map;
  }
}
