package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.http.Json;
import io.shardview.node.config.ConfigOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shardview journal migrate}: a single node's LevelDB journal into a cluster's PostgreSQL journal. */
@Command(
        name = "migrate",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Move a single-node installation into a cluster: copy every entity's events (at their own sequence"
                    + " numbers) and latest snapshot from a stopped node's LevelDB data directory into a PostgreSQL"
                    + " journal (created by `journal init`), then verify the copy: event counts per entity, and each"
                    + " tenant rebuilt from the copied events shows the same hashes as from the source's.",
            "Safe to run again: an entity already copied is skipped and one cut short resumes after what it holds."
                    + " An entity the target holds other events for is refused, and then nothing is written."
        },
        footer = {"", "Exit status: 0 when everything is copied and verified, 1 otherwise, 2 on bad arguments."})
final class JournalMigrateCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions config;

    @Spec
    CommandSpec spec;

    @Option(
            names = "--from",
            required = true,
            paramLabel = "leveldb:DIR",
            description = "The stopped node's data directory.")
    String from;

    @Option(
            names = "--to",
            required = true,
            paramLabel = "jdbc:URL",
            description = "The PostgreSQL journal's JDBC URL.")
    String to;

    @Option(names = "--user", paramLabel = "U", description = "Database user (default: shardview.journal.user).")
    String user;

    @Option(
            names = "--password",
            paramLabel = "P",
            description = "Database password (default: shardview.journal.password).")
    String password;

    @Option(names = "--dry-run", description = "Print what would be copied; write nothing.")
    boolean dryRun;

    @Option(names = "--json", description = "Machine-readable output: JSON on stdout.")
    boolean json;

    @Override
    public Integer call() {
        if (!from.startsWith("leveldb:") || !to.startsWith("jdbc:postgresql:")) {
            err().println("shardview: --from takes leveldb:DIR and --to jdbc:postgresql://HOST/DATABASE");
            return 2;
        }
        Config sourceConfig;
        Config targetConfig;
        try {
            sourceConfig = config.loadProfile(
                    "single-node",
                    Map.of(
                            "shardview.data-dir",
                            Path.of(from.substring("leveldb:".length()))
                                    .toAbsolutePath()
                                    .toString()));
            Map<String, Object> target = new HashMap<>(Map.of("shardview.journal.url", to));
            if (user != null) target.put("shardview.journal.user", user);
            if (password != null) target.put("shardview.journal.password", password);
            targetConfig = config.loadProfile("cluster", target);
        } catch (ConfigException e) {
            err().println("shardview: " + e.getMessage());
            return 2;
        }
        try (JournalStore source = open(sourceConfig);
                JournalStore target = source == null ? null : open(targetConfig)) {
            if (source == null || target == null) return 1;
            long started = System.nanoTime();
            Map<String, EntityCopy> plans = plan(source, target);
            boolean refused = plans.values().stream().anyMatch(p -> !p.matches);
            if (dryRun || refused) {
                print(source, target, plans, Map.of(), refused ? "refused" : "dry run", started);
                if (refused)
                    err().println("shardview: nothing was written: the target holds other events for "
                            + plans.values().stream()
                                    .filter(p -> !p.matches)
                                    .map(p -> p.id)
                                    .toList());
                return refused ? 1 : 0;
            }
            long written = copy(source, target, plans);
            Map<String, String> verified = verify(source, target, plans);
            boolean ok = verified.values().stream().allMatch("ok"::equals);
            print(source, target, plans, verified, ok ? "migrated" : "verify FAILED", started);
            if (!json) out().printf(Locale.ROOT, "%d events written%n", written);
            return ok ? 0 : 1;
        } catch (RuntimeException e) {
            err().println("shardview: migrate failed: " + e.getMessage() + " (run the same command again to resume)");
            return 1;
        }
    }

    private JournalStore open(Config config) {
        try {
            return JournalStore.open(config, false);
        } catch (JournalStore.Unavailable e) {
            err().println("shardview: " + e.getMessage());
            return null;
        }
    }

    /** Each source entity with events or a snapshot, and what the target holds of it. */
    private static Map<String, EntityCopy> plan(JournalStore source, JournalStore target) {
        HashSet<String> present = new HashSet<>(target.persistenceIds());
        Map<String, EntityCopy> plans = new LinkedHashMap<>();
        for (String id : source.persistenceIds()) {
            EntityCopy plan = new EntityCopy(id);
            JournalStore.await(source.events(id, 0, Long.MAX_VALUE)
                    .runWith(Sink.foreach(envelope -> plan.sourceEvent(envelope.sequenceNr())), source.system));
            source.snapshot(id, plan.events > 0 ? plan.lastSeqNr : Long.MAX_VALUE)
                    .ifPresent(s -> plan.snapshot = s.metadata().sequenceNr());
            if (plan.events == 0 && plan.snapshot == null) continue;
            plan.readHeld(target, present);
            if (plan.heldEvents > 0 && plan.matches) {
                JournalStore.await(source.events(id, plan.heldLastSeqNr, plan.heldLastSeqNr)
                        .runWith(
                                Sink.foreach(e ->
                                        plan.checkHeldLast(source.serialize(e.sequenceNr(), e.timestamp(), e.event()))),
                                source.system));
            }
            plans.put(id, plan);
        }
        return plans;
    }

    private static long copy(JournalStore source, JournalStore target, Map<String, EntityCopy> plans) {
        long written = 0;
        try (Progress progress = new Progress(
                "migrating " + plans.size() + " entities (events)",
                plans.values().stream().mapToLong(EntityCopy::eventsToWrite).sum())) {
            for (EntityCopy plan : plans.values()) {
                if (plan.complete()) continue;
                EntityCopy.Writer writer = new EntityCopy.Writer(target, plan, progress);
                JournalStore.await(source.events(plan.id, plan.heldLastSeqNr + 1, plan.lastSeqNr)
                        .runWith(
                                Sink.foreach(
                                        e -> writer.event(source.serialize(e.sequenceNr(), e.timestamp(), e.event()))),
                                source.system));
                if (plan.snapshot != null) {
                    var snapshot = source.snapshot(plan.id, plan.snapshot).orElseThrow();
                    writer.snapshot(source.serialize(
                            snapshot.metadata().sequenceNr(),
                            snapshot.metadata().timestamp(),
                            snapshot.snapshot()));
                }
                writer.finish();
                written += writer.written;
            }
        }
        return written;
    }

    /** Per entity: "ok", or what differs between source and target. */
    private static Map<String, String> verify(JournalStore source, JournalStore target, Map<String, EntityCopy> plans) {
        Map<String, String> verified = new LinkedHashMap<>();
        try (Progress progress = new Progress("verifying " + plans.size() + " entities", plans.size())) {
            for (EntityCopy plan : plans.values()) {
                long[] count = {0};
                JournalStore.await(target.events(plan.id, 0, Long.MAX_VALUE)
                        .runWith(Sink.foreach(e -> count[0]++), target.system));
                String outcome = count[0] == plan.events
                        ? "ok"
                        : count[0] + " events in the target, " + plan.events + " in the source";
                if (outcome.equals("ok") && plan.id.startsWith("tenant|") && plan.firstSeqNr == 1) {
                    List<TenantReplay.Relation> a = replay(source, plan.id);
                    List<TenantReplay.Relation> b = replay(target, plan.id);
                    if (!a.equals(b)) outcome = "the tenant's hashes differ: source " + a + ", target " + b;
                }
                verified.put(plan.id, outcome);
                progress.advance(1);
            }
        }
        return verified;
    }

    private static List<TenantReplay.Relation> replay(JournalStore journal, String id) {
        TenantReplay replay = TenantReplay.empty(id.substring("tenant|".length()), TenantSettings.from(journal.config));
        JournalStore.await(journal.events(id, 0, Long.MAX_VALUE)
                .runWith(Sink.foreach(e -> replay.apply((TenantEvent) e.event())), journal.system));
        return replay.relations();
    }

    private void print(
            JournalStore source,
            JournalStore target,
            Map<String, EntityCopy> plans,
            Map<String, String> verified,
            String outcome,
            long started) {
        double seconds = (System.nanoTime() - started) / 1e9;
        if (json) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("from", source.where())
                    .put("to", target.where())
                    .put("outcome", outcome)
                    .put("seconds", seconds);
            ArrayNode list = out.putArray("entities");
            for (EntityCopy p : plans.values()) {
                ObjectNode node = list.addObject().put("id", p.id).put("events", p.events);
                if (p.snapshot == null) node.putNull("snapshot");
                else node.put("snapshot", p.snapshot);
                node.put("action", p.action());
                if (verified.containsKey(p.id)) node.put("verified", verified.get(p.id));
            }
            out().println(out);
            return;
        }
        out().printf(Locale.ROOT, "%s: %s into %s (%.1f s)%n", outcome, source.where(), target.where(), seconds);
        String format = "%-32s %8s %10s  %-34s %s%n";
        out().printf(Locale.ROOT, format, "ID", "EVENTS", "SNAPSHOT", "ACTION", "VERIFIED");
        for (EntityCopy p : plans.values()) {
            out().printf(
                            Locale.ROOT,
                            format,
                            p.id,
                            p.events,
                            p.snapshot == null ? "-" : "at " + p.snapshot,
                            p.action(),
                            verified.getOrDefault(p.id, ""));
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
