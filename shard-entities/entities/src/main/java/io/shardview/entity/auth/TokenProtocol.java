package io.shardview.entity.auth;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.SameThread;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** What the token registry ({@link TokenRegistry}) accepts and answers, and how a node asks it. */
public final class TokenProtocol {
    private TokenProtocol() {}

    /** Sharding type key of the registry. */
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

    /** Asks the registry, wherever it runs, for {@code message}'s answer within {@code timeout}. */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system, Function<ActorRef<R>, Command> message, Duration timeout) {
        EntityRef<Command> registry = ClusterSharding.get(system).entityRefFor(ENTITY_KEY, ID);
        return SameThread.of(registry.ask(message::apply, timeout));
    }
}
