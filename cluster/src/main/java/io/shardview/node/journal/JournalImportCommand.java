package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.http.Json;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal import}: restores a backup written by {@code journal export}. */
@Command(
        name = "import",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Restore a backup written by `journal export` into a stopped node's data directory (single-node"
                    + " profile; created if missing) or a cluster's PostgreSQL journal (--profile cluster; run"
                    + " `journal init` first, and keep the cluster from starting the imported tenants meanwhile).",
            "The whole file is verified first (format, version, every entity's checksum and the file's); a damaged"
                    + " file changes nothing. An entity the journal already holds is refused, and nothing is"
                    + " written, unless it holds a beginning of the same events (an import cut short: it resumes"
                    + " after them) or all of them (already there: skipped), or --replace deletes what it holds"
                    + " first. Events are written at their own"
                    + " sequence numbers, then the snapshot; each write is acknowledged durable."
        },
        footer = {"", "Exit status: 0 when every entity is in the journal, 1 otherwise."})
final class JournalImportCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "A file written by `journal export`.")
    Path file;

    @Option(names = "--dry-run", description = "Verify the file and print what would be written; write nothing.")
    boolean dryRun;

    @Option(
            names = "--replace",
            description = "Delete what the journal holds of an entity it holds other events for, then import it.")
    boolean replace;

    @Override
    public Integer call() {
        Map<String, EntityCopy> plans = new LinkedHashMap<>();
        try {
            JournalArchive.read(file, new JournalArchive.Visitor() {
                @Override
                public void record(String entity, String kind, JournalStore.Stored stored) {
                    EntityCopy plan = plans.computeIfAbsent(entity, EntityCopy::new);
                    if (kind.equals("snapshot")) {
                        plan.snapshot = stored.sequenceNr();
                        return;
                    }
                    plan.sourceEvent(stored.sequenceNr());
                }

                @Override
                public void entityEnd(String entity, long events, Long snapshot) {
                    plans.computeIfAbsent(entity, EntityCopy::new);
                }
            });
        } catch (java.io.IOException | JournalArchive.Damaged e) {
            err().println("shardview: " + file + " cannot be imported: " + e.getMessage() + "; nothing was written");
            return 1;
        }
        if (dryRun && !options.journalExists()) {
            print("an empty journal", plans, "dry run"); // nothing to open, and a dry run creates nothing
            return 0;
        }
        JournalStore journal = options.openForWriting(err());
        if (journal == null) return 1;
        try {
            readTargets(journal, plans);
            List<EntityCopy> conflicting =
                    plans.values().stream().filter(p -> !p.matches).toList();
            conflicting.forEach(p -> p.replacing = replace);
            if (replace && !dryRun && !conflicting.isEmpty()) {
                // Deleted below the plugins, which needs the journal closed (LevelDB is opened by one process).
                journal.close();
                journal = null;
                for (EntityCopy p : conflicting) JournalTail.tail(options.load(), p.id, 0, true);
                journal = options.openForWriting(err());
                if (journal == null) return 1;
                readTargets(journal, plans);
            }
            boolean refused = plans.values().stream().anyMatch(p -> !p.matches && !(dryRun && p.replacing));
            if (dryRun || refused) {
                print(journal.where(), plans, refused ? "refused" : "dry run");
                if (refused)
                    err().println("shardview: nothing was written: the journal holds other events for "
                            + plans.values().stream()
                                    .filter(p -> !p.matches)
                                    .map(p -> p.id)
                                    .toList()
                            + " (--replace deletes them first)");
                return refused ? 1 : 0;
            }
            long started = System.nanoTime();
            long written = importEvents(journal, plans);
            print(journal.where(), plans, "imported");
            if (!options.json) {
                out().printf(
                                Locale.ROOT,
                                "%d events and %d snapshots written in %.1f s%n",
                                written,
                                plans.values().stream()
                                        .filter(p -> p.snapshot != null && !p.heldSnapshot)
                                        .count(),
                                (System.nanoTime() - started) / 1e9);
            }
            return 0;
        } catch (java.io.IOException | java.sql.SQLException | RuntimeException e) {
            err().println("shardview: import failed: " + e.getMessage() + " (run the same command again to resume)");
            return 1;
        } finally {
            if (journal != null) journal.close();
        }
    }

    /** What the journal holds of each entity, and whether it is a beginning of the archive's events. */
    private void readTargets(JournalStore journal, Map<String, EntityCopy> plans) throws java.io.IOException {
        java.util.Set<String> present = new java.util.HashSet<>(journal.persistenceIds());
        for (EntityCopy plan : plans.values()) plan.readHeld(journal, present);
        checkHeldEventsMatch(plans);
    }

    /** An entity the journal holds events of is resumed only when its last held event is the archive's, byte for byte. */
    private void checkHeldEventsMatch(Map<String, EntityCopy> plans) throws java.io.IOException {
        if (plans.values().stream().noneMatch(p -> p.matches && p.heldEvents > 0)) return;
        JournalArchive.read(file, new JournalArchive.Visitor() {
            @Override
            public void record(String entity, String kind, JournalStore.Stored stored) {
                EntityCopy plan = plans.get(entity);
                if (kind.equals("event")) plan.checkHeldLast(stored);
            }

            @Override
            public void entityEnd(String entity, long events, Long snapshot) {}
        });
    }

    /** Writes what each entity lacks, in the archive's order: events in groups, then the snapshot. */
    private long importEvents(JournalStore journal, Map<String, EntityCopy> plans) throws java.io.IOException {
        long[] written = {0};
        try (Progress progress = new Progress(
                "importing " + plans.size() + " entities (events)",
                plans.values().stream().mapToLong(EntityCopy::eventsToWrite).sum())) {
            Map<String, EntityCopy.Writer> writers = new java.util.HashMap<>();
            JournalArchive.read(file, new JournalArchive.Visitor() {
                @Override
                public void record(String entity, String kind, JournalStore.Stored stored) {
                    EntityCopy.Writer writer = writers.computeIfAbsent(
                            entity, id -> new EntityCopy.Writer(journal, plans.get(id), progress));
                    if (kind.equals("snapshot")) writer.snapshot(stored);
                    else writer.event(stored);
                }

                @Override
                public void entityEnd(String entity, long events, Long snapshotAt) {
                    EntityCopy.Writer writer = writers.remove(entity);
                    if (writer == null) return; // an entity with neither events nor a snapshot
                    writer.finish();
                    written[0] += writer.written;
                }
            });
        }
        return written[0];
    }

    private void print(String where, Map<String, EntityCopy> plans, String what) {
        if (options.json) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("file", file.toString()).put("journal", where).put("outcome", what);
            ArrayNode list = out.putArray("entities");
            for (EntityCopy p : plans.values()) {
                ObjectNode node = list.addObject().put("id", p.id).put("events", p.events);
                if (p.snapshot == null) node.putNull("snapshot");
                else node.put("snapshot", p.snapshot);
                node.put("held_events", p.heldEvents).put("action", p.action());
            }
            out().println(out);
            return;
        }
        out().println(what + ": " + file + " into " + where);
        String format = "%-32s %8s %10s  %s%n";
        out().printf(Locale.ROOT, format, "ID", "EVENTS", "SNAPSHOT", "ACTION");
        for (EntityCopy p : plans.values()) {
            out().printf(
                            Locale.ROOT,
                            format,
                            p.id,
                            p.events,
                            p.snapshot == null ? "-" : "at " + p.snapshot,
                            p.action());
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
