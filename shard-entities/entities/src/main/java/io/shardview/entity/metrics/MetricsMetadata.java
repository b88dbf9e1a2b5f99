package io.shardview.entity.metrics;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.SameThread;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A tenant's metric metadata, per metric family: type, help and unit, from {@code # TYPE}, {@code # HELP} and
 * {@code # UNIT} lines and remote_write metadata (answered by {@code api/v1/metadata}). One event-sourced entity per
 * tenant in each region, journaled only when a family's description changes, so a scraper that sends the same
 * metadata every minute writes nothing after the first time. At most {@link #MAX_FAMILIES} families per tenant; a new
 * family past that is not kept (its points are, as always).
 */
public final class MetricsMetadata
        extends EventSourcedBehavior<MetricsMetadata.Command, MetadataEvent, MetricsMetadata.State> {
    /** Sharding type key. */
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

    public record Families(Map<String, MetadataEvent.Family> families) implements CborSerializable {}

    /** The families by name. */
    static final class State {
        final Map<String, MetadataEvent.Family> families = new HashMap<>();
    }

    private MetricsMetadata(String tenant) {
        super(PersistenceId.of("metrics-metadata", tenant));
    }

    /** Starts sharding for the entity on this node. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, context -> new MetricsMetadata(context.getEntityId())));
    }

    /** Asks the tenant's entity, wherever it runs in this region. */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system,
            String tenant,
            java.util.function.Function<ActorRef<R>, Command> message,
            Duration timeout) {
        return SameThread.of(
                ClusterSharding.get(system).entityRefFor(ENTITY_KEY, tenant).ask(message::apply, timeout));
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public CommandHandler<Command, MetadataEvent, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Describe.class, (state, describe) -> {
                    Map<String, MetadataEvent.Family> changed = new TreeMap<>();
                    describe.families().forEach((name, family) -> {
                        MetadataEvent.Family known = state.families.get(name);
                        if (family.equals(known)) return;
                        if (known == null && state.families.size() + changed.size() >= MAX_FAMILIES) return;
                        changed.put(name, family);
                    });
                    if (changed.isEmpty()) return Effect().reply(describe.replyTo(), new Described(0));
                    return Effect()
                            .persist(new MetadataEvent.Described(changed))
                            .thenReply(describe.replyTo(), s -> new Described(changed.size()));
                })
                .onCommand(Read.class, (state, read) -> Effect()
                        .reply(read.replyTo(), new Families(new TreeMap<>(state.families))))
                .build();
    }

    @Override
    public EventHandler<State, MetadataEvent> eventHandler() {
        return (state, event) -> {
            state.families.putAll(((MetadataEvent.Described) event).families());
            return state;
        };
    }
}
