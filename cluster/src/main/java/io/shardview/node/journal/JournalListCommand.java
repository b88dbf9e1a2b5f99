package io.shardview.node.journal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.http.Json;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code shardview journal list}: what the journal holds, per persistence id. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "List the persistence ids in the journal: entity type, events (count, first and last sequence number, "
                    + "serialized bytes) and latest snapshot (sequence number, bytes, time).",
            "Reads a stopped node's data directory (single-node profile) or the PostgreSQL journal of the cluster "
                    + "profile (--profile cluster); changes nothing."
        },
        footer = {"", "Exit status: 0 when listed, 1 when the journal cannot be read."})
final class JournalListCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--type", paramLabel = "TYPE", description = "Only this entity type: tenant, metrics or auth.")
    String type;

    @Option(names = "--tenant", paramLabel = "T", description = "Only this tenant's circuit and metrics shards.")
    String tenant;

    /** One persistence id's figures. */
    record Entry(String id, String type, long events, long first, long last, long bytes, Snapshot snapshot) {}

    /** A snapshot's sequence number, serialized size and time. */
    record Snapshot(long sequenceNr, long bytes, long timestampMillis) {}

    @Override
    public Integer call() {
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            List<String> ids =
                    journal.persistenceIds().stream().filter(this::wanted).toList();
            List<Entry> entries = new java.util.ArrayList<>();
            try (Progress progress = new Progress("reading " + ids.size() + " persistence ids", ids.size())) {
                for (String id : ids) {
                    entries.add(entry(journal, id));
                    progress.advance(1);
                }
            }
            if (options.json) printJson(journal.where(), entries);
            else printTable(entries);
            return 0;
        } catch (RuntimeException e) {
            err().println("shardview: reading the journal failed: " + e.getMessage());
            return 1;
        }
    }

    private boolean wanted(String id) {
        String idType = typeOf(id);
        if (type != null && !type.equals(idType)) return false;
        if (tenant == null) return true;
        return TenantJournal.owns(id, tenant);
    }

    /** The entity type a persistence id names: the part before its '|'. */
    static String typeOf(String id) {
        int bar = id.indexOf('|');
        return bar < 0 ? "" : id.substring(0, bar);
    }

    private static Entry entry(JournalStore journal, String id) {
        long[] figures = {0, 0, 0, 0}; // events, first, last, bytes
        JournalStore.await(journal.events(id, 0, Long.MAX_VALUE)
                .runWith(
                        Sink.foreach(envelope -> {
                            if (figures[0]++ == 0) figures[1] = envelope.sequenceNr();
                            figures[2] = envelope.sequenceNr();
                            figures[3] += journal.serializedSize(envelope.event());
                        }),
                        journal.system));
        Optional<SelectedSnapshot> latest = journal.snapshot(id, Long.MAX_VALUE);
        Snapshot snapshot = latest.map(s -> new Snapshot(
                        s.metadata().sequenceNr(),
                        journal.serializedSize(s.snapshot()),
                        s.metadata().timestamp()))
                .orElse(null);
        return new Entry(id, typeOf(id), figures[0], figures[1], figures[2], figures[3], snapshot);
    }

    private void printJson(String where, List<Entry> entries) {
        ObjectNode out = Json.MAPPER.createObjectNode();
        out.put("journal", where);
        ArrayNode list = out.putArray("entities");
        for (Entry e : entries) {
            ObjectNode node = list.addObject();
            node.put("id", e.id()).put("type", e.type()).put("events", e.events());
            node.put("first_sequence_nr", e.first())
                    .put("last_sequence_nr", e.last())
                    .put("bytes", e.bytes());
            if (e.snapshot() == null) {
                node.putNull("snapshot");
            } else {
                node.putObject("snapshot")
                        .put("sequence_nr", e.snapshot().sequenceNr())
                        .put("bytes", e.snapshot().bytes())
                        .put(
                                "time",
                                Instant.ofEpochMilli(e.snapshot().timestampMillis())
                                        .toString());
            }
        }
        out().println(out);
    }

    private void printTable(List<Entry> entries) {
        String format = "%-32s %-8s %8s %8s %8s %12s  %s%n";
        out().printf(Locale.ROOT, format, "ID", "TYPE", "EVENTS", "FIRST", "LAST", "BYTES", "SNAPSHOT");
        for (Entry e : entries) {
            String snapshot = e.snapshot() == null
                    ? "-"
                    : "at " + e.snapshot().sequenceNr() + ", " + e.snapshot().bytes() + " bytes, "
                            + Instant.ofEpochMilli(e.snapshot().timestampMillis());
            out().printf(Locale.ROOT, format, e.id(), e.type(), e.events(), e.first(), e.last(), e.bytes(), snapshot);
        }
        if (entries.isEmpty()) out().println("(no persistence ids)");
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
