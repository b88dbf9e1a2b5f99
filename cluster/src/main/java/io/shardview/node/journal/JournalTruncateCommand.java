package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import io.shardview.http.Json;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.persistence.DeleteMessagesSuccess;
import org.apache.pekko.persistence.JournalProtocol;
import org.apache.pekko.persistence.Persistence;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal truncate}: drops events a snapshot covers, or a damaged tail; a plan unless --execute. */
@Command(
        name = "truncate",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Delete events of one persistence id. Without --execute it only prints what it would delete.",
            "--before-snapshot: the events the latest snapshot covers, once that snapshot is verified (a tenant's is"
                    + " restored and compared with its events replayed up to it). Replay from events alone, and"
                    + " replicas in other regions that are further behind, need those events: keep a backup.",
            "--after N: every event after sequence number N and the snapshots after it: the way out when an event"
                    + " is damaged (`journal verify` names it) and no backup has it. The entity comes back at N."
        },
        footer = {"", "Exit status: 0 when planned or done, 1 otherwise, 2 on bad arguments."})
final class JournalTruncateCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "ID", description = "Persistence id, or a tenant's name.")
    String id;

    @ArgGroup(exclusive = true, multiplicity = "1")
    What what;

    /** Which events: those before the latest snapshot, or those after N. */
    static final class What {
        @Option(names = "--before-snapshot", description = "The events the latest (verified) snapshot covers.")
        boolean beforeSnapshot;

        @Option(names = "--after", paramLabel = "N", description = "Every event after sequence number N.")
        Long after;
    }

    @Option(names = "--execute", description = "Delete; without it the plan is printed and nothing changes.")
    boolean execute;

    @Override
    public Integer call() {
        String persistenceId = JournalOptions.persistenceId(id);
        try {
            return what.beforeSnapshot ? beforeSnapshot(persistenceId) : after(persistenceId, what.after);
        } catch (ConfigException | JournalStore.Unavailable e) {
            err().println("shardview: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            err().println("shardview: truncate failed: " + e.getMessage());
            return 1;
        }
    }

    private int after(String persistenceId, long after) throws Exception {
        Config config = options.load();
        JournalTail.Found found = JournalTail.tail(config, persistenceId, after, false);
        String plan = found.events() == 0 && found.snapshots().isEmpty()
                ? "nothing of " + persistenceId + " after sequence number " + after
                : "delete " + found.events() + " events of " + persistenceId + " (" + (after + 1) + " to "
                        + found.lastSequenceNr() + ") and " + found.snapshots().size() + " snapshots after " + after
                        + " " + found.snapshots();
        if (execute && (found.events() > 0 || !found.snapshots().isEmpty()))
            JournalTail.tail(config, persistenceId, after, true);
        report(plan, found.events(), found.snapshots());
        return 0;
    }

    private int beforeSnapshot(String persistenceId) {
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            var snapshot = journal.snapshot(persistenceId, Long.MAX_VALUE);
            if (snapshot.isEmpty()) {
                err().println("shardview: " + persistenceId + " has no snapshot; nothing to truncate");
                return 1;
            }
            long covered = snapshot.get().metadata().sequenceNr();
            if (persistenceId.startsWith("tenant|")) {
                var findings = JournalVerifyCommand.snapshotDifferences(journal, persistenceId, covered);
                if (!findings.isEmpty()) {
                    err().println("shardview: the snapshot at " + covered + " does not match the events, so they are"
                            + " kept: " + findings);
                    return 1;
                }
            }
            String plan = "delete the events of " + persistenceId + " up to " + covered
                    + ", which its verified snapshot at " + covered + " covers";
            if (execute) {
                var classic = Adapter.toClassic(journal.system);
                Object answer = JournalStore.await(org.apache.pekko.pattern.Patterns.askWithReplyTo(
                        Persistence.get(classic)
                                .journalFor(
                                        journal.config.getString("pekko.persistence.journal.plugin"),
                                        com.typesafe.config.ConfigFactory.empty()),
                        replyTo -> new JournalProtocol.DeleteMessagesTo(persistenceId, covered, replyTo),
                        Duration.ofSeconds(60)));
                if (!(answer instanceof DeleteMessagesSuccess)) {
                    err().println("shardview: the journal did not delete them: " + answer);
                    return 1;
                }
            }
            report(plan, covered, List.of());
            return 0;
        }
    }

    private void report(String plan, long events, List<Long> snapshots) {
        if (options.json) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("id", JournalOptions.persistenceId(id)).put("plan", plan).put("executed", execute);
            out.put("events", events);
            snapshots.forEach(out.putArray("snapshots")::add);
            out().println(out);
        } else {
            out().println((execute ? "done: " : "plan (run again with --execute to do it): ") + plan);
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
