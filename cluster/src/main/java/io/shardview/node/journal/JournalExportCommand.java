package io.shardview.node.journal;

import com.fasterxml.jackson.databind.JsonNode;
import io.shardview.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal export}: a portable backup of tenants (or of everything) in one file. */
@Command(
        name = "export",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Write a backup of tenants (their circuit and metrics shards) or of the whole journal to one file: every"
                    + " event kept and the latest snapshot of each entity, as the node serializes them, checksummed"
                    + " per entity and as a whole. `journal import` restores it into a node or cluster on either"
                    + " journal.",
            "The file is written as FILE.partial and renamed to FILE once complete. An export cut short resumes"
                    + " after its last complete entity when run again with the same arguments."
        },
        footer = {"", "Exit status: 0 when FILE is complete, 1 otherwise (FILE is then not there), 2 on bad arguments."
        })
final class JournalExportCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TENANT", description = "Tenants' names, or persistence ids.")
    List<String> names = new ArrayList<>();

    @Option(names = "--all", description = "Every persistence id in the journal.")
    boolean all;

    @Option(names = "--to", paramLabel = "FILE", required = true, description = "The backup file to write.")
    Path to;

    @Override
    public Integer call() {
        if (all == !names.isEmpty()) {
            err().println("shardview: name tenants, or --all");
            return 2;
        }
        if (Files.exists(to)) {
            err().println("shardview: " + to + " exists; export writes a new file (remove it, or name another)");
            return 1;
        }
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            List<String> ids = selected(journal);
            String selection = all ? "--all" : String.join(" ", names);
            Path partial = to.resolveSibling(to.getFileName() + ".partial");
            Resume resume = resume(partial, journal.where(), selection);
            long started = System.nanoTime();
            long[] events = {0};
            try (OutputStream out =
                            Files.newOutputStream(partial, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
                    Progress progress = new Progress(
                            "exporting " + ids.size() + " entities (events)",
                            // at most: the events a snapshot covers may be deleted (metrics shards prune them)
                            ids.stream().mapToLong(journal::highestSequenceNr).sum())) {
                if (resume.completed().isEmpty() && resume.length() == 0)
                    JournalArchive.write(out, JournalArchive.header(journal.where(), selection));
                for (String id : ids) {
                    if (resume.completed().contains(id)) continue;
                    String end = exportEntity(journal, id, out, progress, events);
                    resume.archive().line(end);
                    resume.completed().add(id);
                }
                JournalArchive.write(
                        out,
                        JournalArchive.trailer(
                                resume.completed().size(), resume.archive().hex()));
            }
            try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
            Files.move(partial, to, StandardCopyOption.ATOMIC_MOVE);
            double seconds = (System.nanoTime() - started) / 1e9;
            if (options.json) {
                out().println(Json.MAPPER
                        .createObjectNode()
                        .put("file", to.toString())
                        .put("entities", ids.size())
                        .put("events", events[0])
                        .put("resumed_entities", resume.resumed())
                        .put("bytes", Files.size(to))
                        .put("seconds", seconds));
            } else {
                out().printf(
                                Locale.ROOT,
                                "exported %d entities (%d events%s) to %s, %d bytes, in %.1f s%n",
                                ids.size(),
                                events[0],
                                resume.resumed() > 0 ? ", " + resume.resumed() + " entities from an earlier run" : "",
                                to,
                                Files.size(to),
                                seconds);
            }
            return 0;
        } catch (IOException | RuntimeException e) {
            err().println("shardview: export failed: " + e.getMessage() + " (run the same command again to resume)");
            return 1;
        }
    }

    /** The persistence ids to export: every one, or each named tenant's circuit and metrics shards, sorted. */
    private List<String> selected(JournalStore journal) {
        List<String> present = journal.persistenceIds();
        if (all) return present;
        Set<String> ids = new LinkedHashSet<>();
        for (String name : names) {
            if (name.contains("|")) {
                if (present.contains(name)) ids.add(name);
                else throw new IllegalArgumentException("the journal has no events of " + name);
                continue;
            }
            int before = ids.size();
            for (String id : present) {
                if (TenantJournal.owns(id, name)) ids.add(id);
            }
            if (ids.size() == before) throw new IllegalArgumentException("the journal has no tenant " + name);
        }
        return List.copyOf(ids);
    }

    /** Writes one entity: its events, its latest snapshot, its end line (returned). */
    private static String exportEntity(
            JournalStore journal, String id, OutputStream out, Progress progress, long[] events) throws IOException {
        JournalArchive.Digest digest = new JournalArchive.Digest();
        long[] count = {0};
        long[] last = {0};
        IOException[] failed = {null};
        JournalStore.await(journal.events(id, 0, Long.MAX_VALUE)
                .runWith(
                        Sink.foreach(envelope -> {
                            if (failed[0] != null) return;
                            String line = JournalArchive.record(
                                    id,
                                    "event",
                                    journal.serialize(envelope.sequenceNr(), envelope.timestamp(), envelope.event()));
                            try {
                                JournalArchive.write(out, line);
                            } catch (IOException e) {
                                failed[0] = e;
                                return;
                            }
                            digest.line(line);
                            count[0]++;
                            last[0] = envelope.sequenceNr();
                            progress.advance(1);
                        }),
                        journal.system));
        if (failed[0] != null) throw failed[0];
        events[0] += count[0];
        Long snapshotAt = null;
        // Not past the last event read: on a live journal a snapshot taken since would cover events not exported.
        var snapshot = journal.snapshot(id, count[0] > 0 ? last[0] : Long.MAX_VALUE);
        if (snapshot.isPresent()) {
            var metadata = snapshot.get().metadata();
            String line = JournalArchive.record(
                    id,
                    "snapshot",
                    journal.serialize(
                            metadata.sequenceNr(),
                            metadata.timestamp(),
                            snapshot.get().snapshot()));
            JournalArchive.write(out, line);
            digest.line(line);
            snapshotAt = metadata.sequenceNr();
        }
        String end = JournalArchive.entityEnd(id, count[0], snapshotAt, digest.hex());
        JournalArchive.write(out, end);
        out.flush();
        return end;
    }

    /** What an earlier run left in FILE.partial: its complete entities, their end lines' digest, its kept length. */
    record Resume(Set<String> completed, JournalArchive.Digest archive, long length, int resumed) {}

    /**
     * Reads FILE.partial when an earlier run of the same export left one: keeps it up to its last complete entity
     * (checksum verified) and cuts off the rest; starts it anew when it is another export's or unreadable.
     */
    private static Resume resume(Path partial, String source, String selection) throws IOException {
        Set<String> completed = new LinkedHashSet<>();
        JournalArchive.Digest archive = new JournalArchive.Digest();
        if (!Files.exists(partial)) return new Resume(completed, archive, 0, 0);
        long kept = 0;
        List<String> ends = new ArrayList<>();
        try (BufferedReader in =
                new BufferedReader(new InputStreamReader(Files.newInputStream(partial), StandardCharsets.UTF_8))) {
            String header = in.readLine();
            JsonNode head = header == null ? null : tryParse(header);
            if (head == null
                    || !JournalArchive.FORMAT.equals(head.path("format").asText())
                    || !source.equals(head.path("source").asText())
                    || !selection.equals(head.path("selection").asText())) {
                Files.delete(partial); // another export's, or cut inside its header: start again
                return new Resume(completed, archive, 0, 0);
            }
            long offset = header.getBytes(StandardCharsets.UTF_8).length + 1;
            kept = offset;
            JournalArchive.Digest entity = new JournalArchive.Digest();
            String line;
            while ((line = in.readLine()) != null) {
                offset += line.getBytes(StandardCharsets.UTF_8).length + 1;
                JsonNode node = tryParse(line);
                if (node == null) break; // the line the earlier run was writing when it stopped
                if ("end".equals(node.path("record").asText())) {
                    if (!node.path("sha256").asText().equals(entity.hex())) break;
                    completed.add(node.path("entity").asText());
                    ends.add(line);
                    kept = offset;
                    entity = new JournalArchive.Digest();
                } else {
                    entity.line(line);
                }
            }
        }
        try (FileChannel channel = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            channel.truncate(kept);
        }
        ends.forEach(archive::line);
        return new Resume(completed, archive, kept, completed.size());
    }

    private static JsonNode tryParse(String line) {
        try {
            return JournalArchive.MAPPER.readTree(line);
        } catch (IOException e) {
            return null;
        }
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
