package io.shardview.entity.auth;

import io.shardview.entity.CborSerializable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The cluster's tenant tokens: one event-sourced entity (sharding keeps exactly one alive, and moves it when its node
 * leaves) holding each token's id, tenant, name, creation time and the SHA-256 of its secret. The secret itself is
 * made and shown by the node that answers the create request and never reaches this entity or its journal.
 *
 * <p>Every node keeps a copy ({@code io.shardview.http.auth.TokenCache}) that asks for the tokens every refresh
 * interval; the registry answers with its version alone when nothing changed, so an idle cluster exchanges a few
 * bytes per node per interval.
 */
public final class TokenRegistry
        extends EventSourcedBehavior<TokenRegistry.Command, TokenEvent, TokenRegistry.Registry> {
    public static final EntityTypeKey<Command> ENTITY_KEY = EntityTypeKey.create(Command.class, "token-registry");
    /** The one registry's entity id. */
    public static final String ID = "tokens";

    /** Messages the registry accepts. */
    public sealed interface Command extends CborSerializable permits Create, Revoke, Fetch {}

    /** Creates a token whose id the sender chose (random) and whose secret only it knows. */
    public record Create(String id, String tenant, String name, byte[] secretSha256, ActorRef<Token> replyTo)
            implements Command {}

    /** Revokes a token; answered with whether it existed. */
    public record Revoke(String id, ActorRef<Revoked> replyTo) implements Command {}

    /** The tokens, unless the sender's copy is at {@code knownVersion} already. */
    public record Fetch(long knownVersion, ActorRef<Tokens> replyTo) implements Command {}

    /** A token as stored: never its secret. */
    public record Token(String id, String tenant, String name, long createdMillis, byte[] secretSha256)
            implements CborSerializable {}

    public record Revoked(String id, boolean existed) implements CborSerializable {}

    /** The registry at {@code version}; {@code tokens} is null when the sender's copy is at that version already. */
    public record Tokens(long version, List<Token> tokens) implements CborSerializable {}

    /** The tokens by id, in creation order, and the count of events applied (the registry's version). */
    static final class Registry {
        final Map<String, Token> tokens = new LinkedHashMap<>();
        long version;
    }

    private TokenRegistry() {
        super(PersistenceId.of("auth", ID));
    }

    /** Starts sharding for the registry on this node. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(ENTITY_KEY, context -> new TokenRegistry()));
    }

    /** The registry, wherever it runs. */
    public static EntityRef<Command> ref(ActorSystem<?> system) {
        return ClusterSharding.get(system).entityRefFor(ENTITY_KEY, ID);
    }

    @Override
    public Registry emptyState() {
        return new Registry();
    }

    @Override
    public RetentionCriteria retentionCriteria() {
        // Tokens are few and small: a snapshot now and then bounds the replay after years of creations.
        return RetentionCriteria.snapshotEvery(1000, 2);
    }

    @Override
    public CommandHandler<Command, TokenEvent, Registry> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(Create.class, (state, create) -> {
                    if (state.tokens.containsKey(create.id())) { // ids are random: only a retry of this create
                        return Effect().reply(create.replyTo(), state.tokens.get(create.id()));
                    }
                    return Effect()
                            .persist(new TokenEvent.Created(
                                    create.id(),
                                    create.tenant(),
                                    create.name(),
                                    System.currentTimeMillis(),
                                    create.secretSha256()))
                            .thenReply(create.replyTo(), s -> s.tokens.get(create.id()));
                })
                .onCommand(Revoke.class, (state, revoke) -> {
                    if (!state.tokens.containsKey(revoke.id())) {
                        return Effect().reply(revoke.replyTo(), new Revoked(revoke.id(), false));
                    }
                    return Effect()
                            .persist(new TokenEvent.Revoked(revoke.id()))
                            .thenReply(revoke.replyTo(), s -> new Revoked(revoke.id(), true));
                })
                .onCommand(Fetch.class, (state, fetch) -> Effect()
                        .reply(
                                fetch.replyTo(),
                                new Tokens(
                                        state.version,
                                        fetch.knownVersion() == state.version
                                                ? null
                                                : List.copyOf(state.tokens.values()))))
                .build();
    }

    @Override
    public EventHandler<Registry, TokenEvent> eventHandler() {
        return (state, event) -> {
            if (event instanceof TokenEvent.Created created) {
                state.tokens.put(
                        created.id(),
                        new Token(
                                created.id(),
                                created.tenant(),
                                created.name(),
                                created.createdMillis(),
                                created.secretSha256()));
            } else {
                state.tokens.remove(((TokenEvent.Revoked) event).id());
            }
            state.version++;
            return state;
        };
    }
}
