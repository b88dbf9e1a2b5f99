package io.shardview.entity.auth;

import io.shardview.entity.auth.TokenProtocol.Command;
import io.shardview.entity.auth.TokenProtocol.Create;
import io.shardview.entity.auth.TokenProtocol.Fetch;
import io.shardview.entity.auth.TokenProtocol.Revoke;
import io.shardview.entity.auth.TokenProtocol.Revoked;
import io.shardview.entity.auth.TokenProtocol.Token;
import io.shardview.entity.auth.TokenProtocol.Tokens;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.RetentionCriteria;

/**
 * The cluster's tenant tokens ({@link TokenProtocol} its messages): one event-sourced entity (sharding keeps exactly one alive, and moves it when its node
 * leaves) holding each token's id, tenant, name, creation time and the SHA-256 of its secret. The secret itself is
 * made and shown by the node that answers the create request and never reaches this entity or its journal.
 *
 * <p>Every node keeps a copy ({@code io.shardview.http.auth.TokenCache}) that asks for the tokens every refresh
 * interval; the registry answers with its version alone when nothing changed, so an idle cluster exchanges a few
 * bytes per node per interval.
 */
public final class TokenRegistry extends EventSourcedBehavior<Command, TokenEvent, TokenRegistry.Registry> {
    /** The tokens by id, in creation order, and the count of events applied (the registry's version). */
    static final class Registry {
        final Map<String, Token> tokens = new LinkedHashMap<>();
        long version;
    }

    private TokenRegistry() {
        super(PersistenceId.of("auth", TokenProtocol.ID));
    }

    /** Starts sharding for the registry on this node. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system).init(Entity.of(TokenProtocol.ENTITY_KEY, context -> new TokenRegistry()));
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
