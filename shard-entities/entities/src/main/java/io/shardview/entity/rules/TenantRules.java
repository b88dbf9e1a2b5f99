package io.shardview.entity.rules;

import io.shardview.entity.rules.RulesProtocol.GroupId;
import io.shardview.metrics.rules.RuleFiles;
import io.shardview.metrics.rules.RuleGroup;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.ClusterShardingSettings;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.cluster.sharding.typed.javadsl.Entity;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;
import org.apache.pekko.persistence.typed.PersistenceId;
import org.apache.pekko.persistence.typed.RecoveryCompleted;
import org.apache.pekko.persistence.typed.javadsl.CommandHandler;
import org.apache.pekko.persistence.typed.javadsl.EventHandler;
import org.apache.pekko.persistence.typed.javadsl.EventSourcedBehavior;
import org.apache.pekko.persistence.typed.javadsl.ReplyEffect;
import org.apache.pekko.persistence.typed.javadsl.SignalHandler;

/**
 * A tenant's rule namespaces: each a Prometheus rule file, put and deleted whole (Mimir's ruler API), journaled, and
 * split into its groups, each run by its own {@link GroupRuler}. After a put or a delete it tells every group of the
 * namespace its definition, or that it is gone; after its own recovery it tells every group again (a message lost to a
 * crash is thus sent again), and a group that starts asks it ({@link RulesProtocol.Confirm}). Remembered by sharding,
 * so it starts with its shard. Its messages are {@link RulesProtocol}'s.
 */
public final class TenantRules extends EventSourcedBehavior<RulesProtocol.Command, RulesEvent, TenantRules.State> {
    /** The namespaces' rule files, by name. */
    static final class State {
        final TreeMap<String, String> files = new TreeMap<>();
    }

    private final String tenant;
    private final ClusterSharding sharding;

    private TenantRules(String tenant, ActorSystem<?> system) {
        super(PersistenceId.of("rules", tenant));
        this.tenant = tenant;
        this.sharding = ClusterSharding.get(system);
    }

    /** Starts sharding for the entity on this node, remembered so that a tenant's rules run without a request. */
    public static void init(ActorSystem<?> system) {
        ClusterSharding.get(system)
                .init(Entity.of(RulesProtocol.TENANT_KEY, context -> new TenantRules(context.getEntityId(), system))
                        .withSettings(ClusterShardingSettings.create(system).withRememberEntities(true)));
    }

    @Override
    public State emptyState() {
        return new State();
    }

    @Override
    public CommandHandler<RulesProtocol.Command, RulesEvent, State> commandHandler() {
        return newCommandHandlerBuilder()
                .forAnyState()
                .onCommand(RulesProtocol.Put.class, this::put)
                .onCommand(RulesProtocol.Delete.class, (state, delete) -> {
                    String old = state.files.get(delete.namespace());
                    if (old == null) return Effect().reply(delete.replyTo(), new RulesProtocol.Deleted(false));
                    return Effect()
                            .persist(new RulesEvent.NamespaceDeleted(delete.namespace()))
                            .thenRun(s -> configure(delete.namespace(), old, null))
                            .thenReply(delete.replyTo(), s -> new RulesProtocol.Deleted(true));
                })
                .onCommand(RulesProtocol.Read.class, (state, read) -> Effect()
                        .reply(read.replyTo(), new RulesProtocol.Namespaces(new TreeMap<>(state.files))))
                .onCommand(RulesProtocol.Confirm.class, (state, confirm) -> {
                    String yaml = groupsOf(state.files.get(confirm.namespace())).get(confirm.group());
                    confirm.replyTo()
                            .tell(yaml == null ? new RulesProtocol.Remove() : new RulesProtocol.Configure(yaml));
                    return Effect().none();
                })
                .build();
    }

    private ReplyEffect<RulesEvent, State> put(State state, RulesProtocol.Put put) {
        String old = state.files.get(put.namespace());
        int totalGroups = 0;
        int totalRules = 0;
        Map<String, String> after = new TreeMap<>(state.files);
        after.put(put.namespace(), put.yaml());
        for (String yaml : after.values()) {
            List<RuleGroup> groups = RuleFiles.parse(yaml);
            totalGroups += groups.size();
            for (RuleGroup group : groups) totalRules += group.rules().size();
        }
        if (totalGroups > RulesSettings.MAX_GROUPS_PER_TENANT || totalRules > RulesSettings.MAX_RULES_PER_TENANT) {
            return Effect()
                    .reply(
                            put.replyTo(),
                            new RulesProtocol.PutAnswer("a tenant may have at most "
                                    + RulesSettings.MAX_GROUPS_PER_TENANT + " rule groups and "
                                    + RulesSettings.MAX_RULES_PER_TENANT
                                    + " rules; with this namespace it would have " + totalGroups + " groups and "
                                    + totalRules
                                    + " rules"));
        }
        return Effect()
                .persist(new RulesEvent.NamespacePut(put.namespace(), put.yaml()))
                .thenRun(s -> configure(put.namespace(), old, put.yaml()))
                .thenReply(put.replyTo(), s -> new RulesProtocol.PutAnswer(null));
    }

    /** Tells the groups of a namespace that changed from {@code before} to {@code after} (null: none) what they are. */
    private void configure(String namespace, String before, String after) {
        Map<String, String> now = groupsOf(after);
        for (String gone : groupsOf(before).keySet()) {
            if (!now.containsKey(gone)) group(namespace, gone).tell(new RulesProtocol.Remove());
        }
        now.forEach((name, yaml) -> group(namespace, name).tell(new RulesProtocol.Configure(yaml)));
    }

    private EntityRef<RulesProtocol.GroupCommand> group(String namespace, String name) {
        return sharding.entityRefFor(RulesProtocol.GROUP_KEY, new GroupId(tenant, namespace, name).entityId());
    }

    /** A rule file's groups, each as a rule file of its own, by name; none for null. */
    static Map<String, String> groupsOf(String yaml) {
        Map<String, String> out = new LinkedHashMap<>();
        if (yaml == null) return out;
        for (RuleGroup group : RuleFiles.parse(yaml)) out.put(group.name(), RuleFiles.write(List.of(group)));
        return out;
    }

    @Override
    public SignalHandler<State> signalHandler() {
        return newSignalHandlerBuilder()
                .onSignal(
                        RecoveryCompleted.instance(),
                        state -> state.files.forEach((ns, yaml) -> configure(ns, null, yaml)))
                .build();
    }

    @Override
    public EventHandler<State, RulesEvent> eventHandler() {
        return (state, event) -> {
            if (event instanceof RulesEvent.NamespacePut put) state.files.put(put.namespace(), put.yaml());
            else if (event instanceof RulesEvent.NamespaceDeleted deleted) state.files.remove(deleted.namespace());
            return state;
        };
    }
}
