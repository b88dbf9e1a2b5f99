package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.circuit.RowsPage;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.http.Json;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal replay}: a tenant rebuilt from its events alone, at a version. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Rebuild a tenant's circuit from its events alone (snapshots are not read) up to a version, and print"
                    + " each table's and view's row count and hash at that version, as the API showed them then;"
                    + " or, with --view V --rows, the rows of one view. This answers \"what did this view show at"
                    + " version N\".",
            "Changes nothing in the journal."
        },
        footer = {"", "Exit status: 0 when the tenant was rebuilt at the version asked, 1 otherwise."})
final class JournalReplayCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "TENANT", description = "The tenant's name.")
    String tenant;

    @Option(names = "--to-version", paramLabel = "N", description = "Stop at this version (default: the last).")
    long toVersion = Long.MAX_VALUE;

    @Option(names = "--view", paramLabel = "V", description = "Only this table or view.")
    String view;

    @Option(names = "--rows", description = "Print the rows of --view, as JSON lines (one object per row).")
    boolean rows;

    @Override
    public Integer call() {
        if (rows && view == null) {
            err().println("shardview: --rows needs --view");
            return 2;
        }
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            if (!journal.holds("tenant|" + tenant)) {
                err().println("shardview: the journal has no events of tenant " + tenant);
                return 1;
            }
            long started = System.nanoTime();
            TenantReplay replay = TenantReplay.empty(tenant, TenantSettings.from(journal.config));
            long events = replayEvents(journal, "tenant|" + tenant, replay, toVersion);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (events == 0) {
                var snapshot = journal.snapshot("tenant|" + tenant, Long.MAX_VALUE);
                err().println("shardview: the journal has no events of tenant " + tenant
                        + snapshot.map(x -> " (its events up to " + x.metadata().sequenceNr() + " were deleted; its"
                                        + " snapshot there remains, and replay needs the events)")
                                .orElse(""));
                return 1;
            }
            if (toVersion != Long.MAX_VALUE && replay.version() < toVersion) {
                err().println("shardview: tenant " + tenant + "'s journal ends at version " + replay.version()
                        + ", before version " + toVersion);
                return 1;
            }
            List<TenantReplay.Relation> relations = replay.relations().stream()
                    .filter(r -> view == null || r.name().equals(view))
                    .toList();
            if (view != null && relations.isEmpty()) {
                err().println("shardview: tenant " + tenant + " has no table or view " + view + " at version "
                        + replay.version());
                return 1;
            }
            if (rows) printRows(replay);
            else if (options.json) printJson(replay, relations, events, seconds);
            else printTable(replay, relations, events, seconds);
            return 0;
        } catch (RuntimeException e) {
            err().println("shardview: replaying tenant " + tenant + " failed: " + e.getMessage());
            return 1;
        }
    }

    /** Applies the tenant's events up to {@code toVersion} to {@code replay}; returns how many were applied. */
    static long replayEvents(JournalStore journal, String persistenceId, TenantReplay replay, long toVersion) {
        long[] applied = {0};
        try (Progress progress = new Progress("replaying " + persistenceId, journal.highestSequenceNr(persistenceId))) {
            JournalStore.await(journal.events(persistenceId, 0, Long.MAX_VALUE)
                    .map(envelope -> {
                        if (applied[0] == 0 && envelope.sequenceNr() > 1) {
                            throw new IllegalStateException("its events before sequence number "
                                    + envelope.sequenceNr() + " were deleted (delete-events-on-snapshot), and a"
                                    + " replay from events alone needs every one");
                        }
                        return (TenantEvent) envelope.event();
                    })
                    .takeWhile(event -> event.version() <= toVersion)
                    .runWith(
                            Sink.foreach(event -> {
                                replay.apply(event);
                                applied[0]++;
                                progress.advance(1);
                            }),
                            journal.system));
        }
        return applied[0];
    }

    private void printRows(TenantReplay replay) {
        String after = null;
        do {
            RowsPage page = replay.rows(view, 10_000, after);
            List<List<Object>> values = TenantReplay.json(page);
            for (List<Object> row : values) {
                ObjectNode line = Json.MAPPER.createObjectNode();
                for (int i = 0; i < row.size(); i++)
                    line.set(page.columns().get(i).name(), Json.MAPPER.valueToTree(row.get(i)));
                out().println(line);
            }
            after = page.next();
        } while (after != null);
    }

    private void printJson(TenantReplay replay, List<TenantReplay.Relation> relations, long events, double seconds) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("tenant", tenant).put("version", replay.version()).put("events", events);
        out.put("seconds", seconds);
        ArrayNode list = out.putArray("relations");
        for (TenantReplay.Relation r : relations) {
            list.addObject()
                    .put("kind", r.kind())
                    .put("name", r.name())
                    .put("rows", r.rows())
                    .put("hash", r.hash());
        }
        out().println(out);
    }

    private void printTable(TenantReplay replay, List<TenantReplay.Relation> relations, long events, double seconds) {
        out().printf(
                        Locale.ROOT,
                        "tenant %s at version %d (%d %s replayed in %.1f s)%n",
                        tenant,
                        replay.version(),
                        events,
                        events == 1 ? "event" : "events",
                        seconds);
        String format = "%-6s %-32s %12s  %s%n";
        out().printf(Locale.ROOT, format, "KIND", "NAME", "ROWS", "HASH");
        for (TenantReplay.Relation r : relations)
            out().printf(Locale.ROOT, format, r.kind(), r.name(), r.rows(), r.hash());
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
