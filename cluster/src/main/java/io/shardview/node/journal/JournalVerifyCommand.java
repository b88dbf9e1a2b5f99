package io.shardview.node.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.http.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.pekko.persistence.SelectedSnapshot;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code shardview journal verify}: snapshots, and optionally a live node, against the events. */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "Check what the journal holds: every event of each persistence id is read and decoded; for a tenant,"
                    + " each snapshot kept is compared with the state rebuilt from the events up to its sequence"
                    + " number (version, and every table's and view's row count and hash), and with --node, the"
                    + " hashes a live node serves are compared with the events' at the node's version.",
            "A metrics shard's events up to its snapshot are deleted once the snapshot is saved, so only its"
                    + " snapshot and the events after it are checked to load."
        },
        footer = {
            "",
            "Exit status: 0 when everything matches, 1 when a difference or a damaged record was found "
                    + "(each is named), 2 on bad arguments."
        })
final class JournalVerifyCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "ID", description = "Persistence ids, or tenants' names.")
    List<String> ids = new ArrayList<>();

    @Option(names = "--all", description = "Every persistence id in the journal.")
    boolean all;

    @Option(
            names = "--node",
            paramLabel = "URL",
            description = "Also compare with the tenants as this node serves them (e.g. http://127.0.0.1:8080).")
    String node;

    @Option(
            names = "--token",
            paramLabel = "T",
            description = "Bearer token for --node when auth is on (default: env SHARDVIEW_ADMIN_TOKEN).")
    String token;

    /** What one check found: the persistence id, what was checked, and the differences (none: it matches). */
    record Finding(String id, String check, List<String> differences) {}

    @Override
    public Integer call() {
        if (all == !ids.isEmpty()) {
            err().println("shardview: name persistence ids, or --all");
            return 2;
        }
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            List<String> targets = all
                    ? journal.persistenceIds()
                    : ids.stream().map(JournalOptions::persistenceId).toList();
            List<Finding> findings = new ArrayList<>();
            try (Progress progress = new Progress("verifying " + targets.size() + " persistence ids", targets.size())) {
                for (String id : targets) {
                    if (all || journal.holds(id)) findings.addAll(verify(journal, id));
                    else findings.add(new Finding(id, "journal", List.of("the journal has no events of " + id)));
                    progress.advance(1);
                }
            }
            boolean ok = findings.stream().allMatch(f -> f.differences().isEmpty());
            print(findings, ok);
            return ok ? 0 : 1;
        }
    }

    private List<Finding> verify(JournalStore journal, String id) {
        List<SelectedSnapshot> snapshots;
        try {
            snapshots = snapshots(journal, id);
        } catch (RuntimeException e) {
            return List.of(
                    new Finding(id, "snapshot", List.of("the latest snapshot cannot be read: " + e.getMessage())));
        }
        if (id.startsWith("tenant|")) return verifyTenant(journal, id, snapshots);
        long from = snapshots.isEmpty()
                ? 0
                : snapshots.get(snapshots.size() - 1).metadata().sequenceNr() + 1;
        return List.of(readEvents(journal, id, from));
    }

    /** Every snapshot of the id, oldest first (each is looked up below the previous one found). */
    private static List<SelectedSnapshot> snapshots(JournalStore journal, String id) {
        List<SelectedSnapshot> found = new ArrayList<>();
        long below = Long.MAX_VALUE;
        while (below > 0) {
            Optional<SelectedSnapshot> snapshot = journal.snapshot(id, below);
            if (snapshot.isEmpty()) break;
            found.add(0, snapshot.get());
            below = snapshot.get().metadata().sequenceNr() - 1;
        }
        return found;
    }

    /** Reads and decodes every event from {@code from} on: a damaged one stops the stream, named here. */
    private static Finding readEvents(JournalStore journal, String id, long from) {
        long[] last = {from - 1};
        try {
            JournalStore.await(journal.events(id, from, Long.MAX_VALUE)
                    .runWith(Sink.foreach(envelope -> last[0] = envelope.sequenceNr()), journal.system));
            return new Finding(id, "events from " + Math.max(1, from) + " to " + last[0] + " decode", List.of());
        } catch (RuntimeException e) {
            return new Finding(
                    id,
                    "events decode",
                    List.of("the event after sequence number " + last[0] + " cannot be read: " + e.getMessage()));
        }
    }

    private List<Finding> verifyTenant(JournalStore journal, String id, List<SelectedSnapshot> snapshots) {
        String tenant = id.substring("tenant|".length());
        TenantSettings settings = TenantSettings.from(journal.config);
        Live live = node == null ? null : live(tenant);
        List<Finding> findings = new ArrayList<>();
        if (live != null && live.problem() != null)
            findings.add(new Finding(id, "node " + node, List.of(live.problem())));
        TenantReplay replay = TenantReplay.empty(tenant, settings);
        int[] next = {0};
        long[] last = {0};
        List<TenantReplay.Relation>[] atLiveVersion = new List[1];
        Runnable check = () -> {
            while (next[0] < snapshots.size()
                    && snapshots.get(next[0]).metadata().sequenceNr() == last[0]) {
                SelectedSnapshot snapshot = snapshots.get(next[0]++);
                findings.add(compareSnapshot(id, tenant, settings, snapshot, replay));
            }
            if (live != null && live.version() > 0 && replay.version() == live.version() && atLiveVersion[0] == null)
                atLiveVersion[0] = replay.relations();
        };
        try {
            JournalStore.await(journal.events(id, 0, Long.MAX_VALUE)
                    .runWith(
                            Sink.foreach(envelope -> {
                                if (last[0] == 0 && envelope.sequenceNr() > 1) {
                                    throw new IllegalStateException(
                                            "events before sequence number " + envelope.sequenceNr()
                                                    + " were deleted: snapshots cannot be checked against events alone");
                                }
                                replay.apply((TenantEvent) envelope.event());
                                last[0] = envelope.sequenceNr();
                                check.run();
                            }),
                            journal.system));
        } catch (RuntimeException e) {
            findings.add(new Finding(
                    id,
                    "events decode and apply",
                    List.of("the event after sequence number " + last[0] + " cannot be read or applied: "
                            + e.getMessage())));
            return findings;
        }
        while (next[0] < snapshots.size()) {
            SelectedSnapshot missing = snapshots.get(next[0]++);
            findings.add(new Finding(
                    id,
                    "snapshot at " + missing.metadata().sequenceNr(),
                    List.of("the journal's events end at " + last[0] + ", before the snapshot")));
        }
        findings.add(new Finding(id, "events 1 to " + last[0] + " decode and apply", List.of()));
        if (live != null && live.problem() == null) findings.add(compareLive(id, live, atLiveVersion[0]));
        return findings;
    }

    /**
     * What differs between the snapshot of a tenant at {@code sequenceNr} and its events replayed up to it (empty: the
     * snapshot is verified).
     */
    static List<String> snapshotDifferences(JournalStore journal, String id, long sequenceNr) {
        String tenant = id.substring("tenant|".length());
        TenantSettings settings = TenantSettings.from(journal.config);
        SelectedSnapshot snapshot = journal.snapshot(id, sequenceNr).orElseThrow();
        TenantReplay replay = TenantReplay.empty(tenant, settings);
        long[] first = {0};
        JournalStore.await(journal.events(id, 0, snapshot.metadata().sequenceNr())
                .runWith(
                        Sink.foreach(envelope -> {
                            if (first[0] == 0) first[0] = envelope.sequenceNr();
                            replay.apply((TenantEvent) envelope.event());
                        }),
                        journal.system));
        if (first[0] != 1) return List.of("the events before the snapshot are not all there to check it against");
        return compareSnapshot(id, tenant, settings, snapshot, replay).differences();
    }

    private static Finding compareSnapshot(
            String id, String tenant, TenantSettings settings, SelectedSnapshot snapshot, TenantReplay replay) {
        long sequenceNr = snapshot.metadata().sequenceNr();
        String check = "snapshot at " + sequenceNr;
        TenantReplay restored;
        try {
            restored = TenantReplay.fromSnapshot(tenant, settings, snapshot.snapshot());
        } catch (RuntimeException e) {
            return new Finding(id, check, List.of("the snapshot cannot be restored: " + e.getMessage()));
        }
        List<String> differences = new ArrayList<>();
        if (restored.version() != replay.version()) {
            differences.add(
                    "version " + restored.version() + " in the snapshot, " + replay.version() + " from the events");
        }
        differences.addAll(
                differences("the snapshot", byName(restored.relations()), "the events", byName(replay.relations())));
        return new Finding(id, check, differences);
    }

    private static Map<String, TenantReplay.Relation> byName(List<TenantReplay.Relation> relations) {
        Map<String, TenantReplay.Relation> out = new TreeMap<>();
        for (TenantReplay.Relation r : relations) out.put(r.kind() + " " + r.name(), r);
        return out;
    }

    private static List<String> differences(
            String left, Map<String, TenantReplay.Relation> a, String right, Map<String, TenantReplay.Relation> b) {
        List<String> out = new ArrayList<>();
        for (var entry : a.entrySet()) {
            TenantReplay.Relation other = b.get(entry.getKey());
            TenantReplay.Relation mine = entry.getValue();
            if (other == null) out.add(entry.getKey() + " is in " + left + " only");
            else if (mine.rows() != other.rows() || !mine.hash().equals(other.hash())) {
                out.add(entry.getKey() + ": " + mine.rows() + " rows, hash " + mine.hash() + " in " + left + "; "
                        + other.rows() + " rows, hash " + other.hash() + " in " + right);
            }
        }
        for (String name : b.keySet()) if (!a.containsKey(name)) out.add(name + " is in " + right + " only");
        return out;
    }

    // ---- a live node ------------------------------------------------------------------------

    /** The tenant as a node serves it: its version and each relation's rows and hash at that version. */
    record Live(long version, List<TenantReplay.Relation> relations, String problem) {}

    private Live live(String tenant) {
        HttpClient http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        String base = node.replaceAll("/+$", "") + "/v1/tenants/" + URLEncoder.encode(tenant, StandardCharsets.UTF_8);
        try {
            for (int attempt = 0; attempt < 3; attempt++) {
                JsonNode described = get(http, base);
                long version = described.get("version").asLong();
                List<TenantReplay.Relation> relations = new ArrayList<>();
                boolean moved = false;
                for (String kind : List.of("table", "view")) {
                    for (JsonNode relation : described.get(kind + "s")) {
                        String name = relation.get("name").asText();
                        JsonNode page = get(
                                http,
                                base + "/" + kind + "s/" + URLEncoder.encode(name, StandardCharsets.UTF_8)
                                        + "?limit=1");
                        if (page.get("version").asLong() != version) moved = true;
                        relations.add(new TenantReplay.Relation(
                                kind,
                                name,
                                page.get("count").asLong(),
                                page.get("hash").asText()));
                    }
                }
                if (!moved) return new Live(version, relations, null);
            }
            return new Live(0, List.of(), "the tenant was being written while it was read; try again when it is quiet");
        } catch (Exception e) {
            return new Live(0, List.of(), "cannot read the tenant from the node: " + e.getMessage());
        }
    }

    private JsonNode get(HttpClient http, String url) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        String bearer = token != null ? token : System.getenv("SHARDVIEW_ADMIN_TOKEN");
        if (bearer != null && !bearer.isBlank()) request.header("Authorization", "Bearer " + bearer);
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200)
            throw new IllegalStateException(url + " answered " + response.statusCode() + ": " + response.body());
        return Json.MAPPER.readTree(response.body());
    }

    private Finding compareLive(String id, Live live, List<TenantReplay.Relation> fromEvents) {
        String check = "node " + node + " at version " + live.version();
        if (fromEvents == null) {
            return new Finding(id, check, List.of("the journal's events never reach version " + live.version()));
        }
        return new Finding(
                id, check, differences("the node", byName(live.relations()), "the events", byName(fromEvents)));
    }

    private void print(List<Finding> findings, boolean ok) {
        if (options.json) {
            ObjectNode out = Json.MAPPER.createObjectNode();
            out.put("ok", ok);
            ArrayNode list = out.putArray("checks");
            for (Finding f : findings) {
                ObjectNode node = list.addObject().put("id", f.id()).put("check", f.check());
                node.put("ok", f.differences().isEmpty());
                f.differences().forEach(node.putArray("differences")::add);
            }
            out().println(out);
            return;
        }
        for (Finding f : findings) {
            out().println((f.differences().isEmpty() ? "ok         " : "DIFFERENT  ") + f.id() + ": " + f.check());
            for (String d : f.differences()) out().println("           " + d);
        }
        out().println(ok ? "verified: everything matches" : "verify FAILED: differences above");
    }

    private java.io.PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private java.io.PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
