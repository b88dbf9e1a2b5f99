package io.shardview.node;

import io.shardview.entity.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/** A small persistent sharded entity for the persistence smoke test: a running total. */
final class TestCounter extends EventSourcedBehavior<TestCounter.Command, TestCounter.Added, TestCounter.State> {
    static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "test-counter");

    sealed interface Command extends CborSerializable permits Add, Get {}

    record Add(long amount, ActorRef<Long> replyTo) implements Command {}

    record Get(ActorRef<Long> replyTo) implements Command {}

    record Added(long amount) implements CborSerializable {}

    record State(long total) implements CborSerializable {}

    static EntityType entityType() {
        return new EntityType(ENTITY_KEY, system -> ClusterSharding.get(system)
                .init(Entity.of(
                        ENTITY_KEY,
                        context -> new TestCounter(PersistenceId.of(ENTITY_KEY.name(), context.getEntityId())))));
    }

    private TestCounter(PersistenceId id) {
        super(id);
    }

    @Override
    public State emptyState() {
        return new State(0);
    }

    @Override
    public CommandHandler<Command, Added, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Add.class, (state, add) -> Effect()
                        .persist(new Added(add.amount()))
                        .thenReply(add.replyTo(), updated -> updated.total()))
                .onCommand(Get.class, (state, get) -> Effect().reply(get.replyTo(), state.total()))
                .build();
    }

    @Override
    public EventHandler<State, Added> eventHandler() {
        return newEventHandlerBuilder()
                .forAnyState()
                .onEvent(Added.class, (state, added) -> new State(state.total() + added.amount()))
                .build();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        return RetentionCriteria.snapshotEvery(3, 2); // exercise the snapshot store too
    }
}
