package io.shardview.entity.metrics;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.SameThread;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** What a tenant's metric metadata ({@link MetricsMetadata}) accepts and answers, and how a node asks it. */
public final class MetadataProtocol {
    private MetadataProtocol() {}

    /** Sharding type key; the entity id is the tenant. */
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "metrics-metadata");

    /** Families kept per tenant. */
    public static final int MAX_FAMILIES = 50_000;

    /** Messages the entity accepts. */
    public sealed interface Command extends CborSerializable permits Describe, Read {}

    /** Keeps these families' descriptions; answered once what changed is journaled. */
    public record Describe(Map<String, MetadataEvent.Family> families, ActorRef<Described> replyTo)
            implements Command {}

    /** How many families changed (0: nothing to journal). */
    public record Described(int changed) implements CborSerializable {}

    /** Every family's description. */
    public record Read(ActorRef<Families> replyTo) implements Command {}

    /** The families by name, sorted. */
    public record Families(Map<String, MetadataEvent.Family> families) implements CborSerializable {}

    /** Asks the tenant's entity, wherever it runs in this region. */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system, String tenant, Function<ActorRef<R>, Command> message, Duration timeout) {
        return SameThread.of(
                ClusterSharding.get(system).entityRefFor(ENTITY_KEY, tenant).ask(message::apply, timeout));
    }
}
