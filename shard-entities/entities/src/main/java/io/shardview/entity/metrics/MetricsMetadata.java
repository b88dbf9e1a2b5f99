package io.shardview.entity.metrics;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;

/**
 * A tenant's metric metadata, per metric family: type, help and unit, from {@code # TYPE}, {@code # HELP} and
 * {@code # UNIT} lines and remote_write metadata (answered by {@code api/v1/metadata}). One event-sourced entity per
 * tenant in each region, journaled only when a family's description changes, so a scraper that sends the same
 * metadata every minute writes nothing after the first time. At most {@link MetadataProtocol#MAX_FAMILIES} families per tenant; a new
 * family past that is not kept (its points are, as always). Its messages are {@link MetadataProtocol}'s.
 */
public final class MetricsMetadata
        extends EventSourcedBehavior<MetadataProtocol.Command, MetadataEvent, MetricsMetadata.State> {
    /** The families by name. */
    static final class State {
        final Map<String, MetadataEvent.Family> families = new HashMap<>();
    }

    private MetricsMetadata(String tenant) {
        super(PersistenceId.of("metrics-metadata", tenant));
    }

    /** Starts sharding for the entity on this node. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system)
                .init(Entity.of(MetadataProtocol.ENTITY_KEY, context -> new MetricsMetadata(context.getEntityId())));
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public CommandHandler<MetadataProtocol.Command, MetadataEvent, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(MetadataProtocol.Describe.class, (state, describe) -> {
                    Map<String, MetadataEvent.Family> changed = new TreeMap<>();
                    describe.families().forEach((name, family) -> {
                        MetadataEvent.Family known = state.families.get(name);
                        if (family.equals(known)) return;
                        if (known == null && state.families.size() + changed.size() >= MetadataProtocol.MAX_FAMILIES)
                            return;
                        changed.put(name, family);
                    });
                    if (changed.isEmpty()) return Effect().reply(describe.replyTo(), new MetadataProtocol.Described(0));
                    return Effect()
                            .persist(new MetadataEvent.Described(changed))
                            .thenReply(describe.replyTo(), s -> new MetadataProtocol.Described(changed.size()));
                })
                .onCommand(MetadataProtocol.Read.class, (state, read) -> Effect()
                        .reply(read.replyTo(), new MetadataProtocol.Families(new TreeMap<>(state.families))))
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
