package io.shardview.entity.rules;

import io.shardview.entity.CborSerializable;
import io.shardview.entity.SameThread;
import io.shardview.metrics.rules.Alert;
import io.shardview.metrics.rules.RuleHealth;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.SortedMap;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityTypeKey;

/** What a tenant's rules ({@link TenantRules}) and a rule group ({@link GroupRuler}) accept and answer. */
public final class RulesProtocol {
    private RulesProtocol() {}

    /** Sharding type key of a tenant's rules; the entity id is the tenant. */
    public static final EntityTypeKey<Command> TENANT_KEY = EntityTypeKey.create(Command.class, "rules");

    /** Sharding type key of one group; the entity id is {@link GroupId#entityId()}. */
    public static final EntityTypeKey<GroupCommand> GROUP_KEY = EntityTypeKey.create(GroupCommand.class, "rule-group");

    /** Messages a tenant's rules accept. */
    public sealed interface Command extends CborSerializable permits Put, Delete, Read, Confirm {}

    /** Replaces (or creates) a namespace with this rule file, already checked; answered once journaled. */
    public record Put(String namespace, String yaml, ActorRef<PutAnswer> replyTo) implements Command {}

    /** Whether a put was kept, or the tenant's limit it would pass. */
    public record PutAnswer(String refusal) implements CborSerializable {}

    /** Deletes a namespace with its groups; answered once journaled. */
    public record Delete(String namespace, ActorRef<Deleted> replyTo) implements Command {}

    /** Whether the namespace existed. */
    public record Deleted(boolean existed) implements CborSerializable {}

    /** Every namespace's rule file. */
    public record Read(ActorRef<Namespaces> replyTo) implements Command {}

    /** The tenant's namespaces and their rule files, by name. */
    public record Namespaces(SortedMap<String, String> files) implements CborSerializable {}

    /** A group asks for its definition (after it started): answered with {@link Configure} or {@link Remove}. */
    public record Confirm(String namespace, String group, ActorRef<GroupCommand> replyTo) implements Command {}

    /** Messages a group accepts. */
    public sealed interface GroupCommand extends CborSerializable
            permits Configure, Remove, ReadGroup, GroupRuler.Private {}

    /** The group's definition: a rule file holding that one group. */
    public record Configure(String yaml) implements GroupCommand {}

    /** The group is gone from its namespace. */
    public record Remove() implements GroupCommand {}

    /** What the group is and how its last evaluation went. */
    public record ReadGroup(ActorRef<GroupView> replyTo) implements GroupCommand {}

    /**
     * A group as {@code api/v1/rules} shows it; {@code configured} false for a group that never received its
     * definition.
     */
    public record GroupView(
            boolean configured,
            long intervalMillis,
            int limit,
            long lastEvaluation,
            double evaluationSeconds,
            long skipped,
            List<RuleView> rules)
            implements CborSerializable {}

    /** One rule of a {@link GroupView}, with its health and (for an alerting rule) its alerts. */
    public record RuleView(RuleHealth health, List<Alert> alerts) implements CborSerializable {}

    /** A group's identity: the tenant, the namespace (rule file) and the group's name. */
    public record GroupId(String tenant, String namespace, String group) {
        /** The entity id: the three parts URL-encoded, joined by {@code /}. */
        public String entityId() {
            return encode(tenant) + "/" + encode(namespace) + "/" + encode(group);
        }

        /** The id an {@link #entityId()} was made from. */
        public static GroupId parse(String entityId) {
            String[] parts = entityId.split("/", -1);
            if (parts.length != 3) throw new IllegalArgumentException("not a rule group id: " + entityId);
            return new GroupId(decode(parts[0]), decode(parts[1]), decode(parts[2]));
        }

        private static String encode(String part) {
            return URLEncoder.encode(part, StandardCharsets.UTF_8);
        }

        private static String decode(String part) {
            return URLDecoder.decode(part, StandardCharsets.UTF_8);
        }
    }

    /** Asks the tenant's rules, wherever they run in this region. */
    public static <R> CompletionStage<R> ask(
            ActorSystem<?> system, String tenant, Function<ActorRef<R>, Command> message, Duration timeout) {
        return SameThread.of(
                ClusterSharding.get(system).entityRefFor(TENANT_KEY, tenant).ask(message::apply, timeout));
    }

    /** Asks one group, wherever it runs in this region. */
    public static <R> CompletionStage<R> askGroup(
            ActorSystem<?> system, GroupId id, Function<ActorRef<R>, GroupCommand> message, Duration timeout) {
        return SameThread.of(ClusterSharding.get(system)
                .entityRefFor(GROUP_KEY, id.entityId())
                .ask(message::apply, timeout));
    }
}
