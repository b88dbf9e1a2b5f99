package io.shardview.node.journal;

import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import io.shardview.http.Json;
import io.shardview.node.membership.LostRegionTable;
import io.shardview.persistence.JournalSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.pekko.stream.javadsl.Sink;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code shardview journal diverged}: the events this region's replicas set aside after a failover (docs/regions.md,
 * "Failover"): written by a home region that had lost its place (declared lost, its tenants taken over elsewhere)
 * and never part of any tenant's history since. Lists them; with {@code --export}, writes them as the requests that
 * would make the same changes, for an operator to review and send again.
 */
@Command(
        name = "diverged",
        mixinStandardHelpOptions = true,
        usageHelpWidth = 100,
        description = {
            "List the events this region's replicas set aside after a failover: written by a home region that had"
                    + " lost its place, past the point where the new home's history starts. Each line: tenant,"
                    + " sequence number, version, what the event was (a batch with its id and ops, a SQL request),"
                    + " the new home and its epoch.",
            "With --export FILE, write them as JSON lines, one request each ({\"tenant\", \"request\": \"ingest\" or"
                    + " \"sql\", \"body\"}): the body of POST /v1/tenants/{tenant}/ingest or /sql that would make"
                    + " the same change as the event did when it was written. A batch is exported as its net change"
                    + " (the journal keeps no more): a replaced row as an upsert, an added one as an insert, a"
                    + " removed one as a delete by key."
        },
        footer = {"", "Exit status: 0 when listed (also when there is nothing), 1 when the journal cannot be read."})
final class JournalDivergedCommand implements Callable<Integer> {
    @Mixin
    JournalOptions options;

    @Spec
    CommandSpec spec;

    @Parameters(arity = "0..*", paramLabel = "TENANT", description = "Tenants' names (default: every tenant).")
    List<String> tenants = new ArrayList<>();

    @Option(names = "--export", paramLabel = "FILE", description = "Write the set-aside events as requests to FILE.")
    Path export;

    /** One set-aside event as stored. */
    private record Row(
            String persistenceId, long sequenceNr, String newHome, long newEpoch, JournalStore.Stored stored) {}

    @Override
    public Integer call() {
        try (JournalStore journal = options.open(err())) {
            if (journal == null) return 1;
            if (!new JournalSettings(journal.config).isShared()) {
                err().println("shardview: events are set aside only by replicas of a cluster across regions, whose"
                        + " journals are PostgreSQL (the cluster profile); this journal is LevelDB");
                return 1;
            }
            List<Row> rows = read(journal);
            List<Map<String, Object>> requests = new ArrayList<>();
            String replaying = null;
            TenantReplay replay = null;
            for (Row row : rows) {
                String tenant = row.persistenceId().substring("tenant|".length());
                TenantEvent event = (TenantEvent) journal.deserialize(row.stored());
                if (event instanceof TenantEvent.Replicated replicated) event = replicated.event();
                Map<String, Object> line = new LinkedHashMap<>();
                line.put("tenant", tenant);
                line.put("sequence_nr", row.sequenceNr());
                line.putAll(TenantReplay.describe(event));
                line.put("new_home", row.newHome());
                line.put("new_epoch", row.newEpoch());
                if (export != null) {
                    if (!row.persistenceId().equals(replaying)) {
                        replaying = row.persistenceId();
                        replay = replayTo(journal, tenant, row.sequenceNr() - 1);
                    }
                    Map<String, Object> request = request(tenant, event, replay);
                    if (request != null) requests.add(request);
                    replay.apply(event);
                }
                if (options.json) out().println(Json.MAPPER.writeValueAsString(line));
                else out().println(text(line));
            }
            if (rows.isEmpty() && !options.json) err().println("shardview: no events were set aside in this journal");
            if (export != null) {
                List<String> lines = new ArrayList<>();
                for (Map<String, Object> request : requests) lines.add(Json.MAPPER.writeValueAsString(request));
                Files.write(export, lines, StandardCharsets.UTF_8);
                err().println("shardview: " + requests.size() + " requests written to " + export);
            }
            return 0;
        } catch (SQLException | IOException | RuntimeException e) {
            err().println("shardview: reading the set-aside events failed: " + e.getMessage());
            return 1;
        }
    }

    private List<Row> read(JournalStore journal) throws SQLException {
        List<Row> rows = new ArrayList<>();
        try (Connection db = JournalSettings.connect(journal.config.getConfig("shardview.journal"), 10)) {
            JournalSettings.createTableIfAbsent(db, LostRegionTable.DIVERGED_TABLE);
            try (PreparedStatement query = db.prepareStatement("SELECT persistence_id, sequence_number, new_home,"
                    + " new_epoch, event_ser_id, event_ser_manifest, event_payload, set_aside_at FROM"
                    + " shardview_diverged ORDER BY persistence_id, new_epoch, sequence_number")) {
                try (ResultSet result = query.executeQuery()) {
                    while (result.next()) {
                        String id = result.getString(1);
                        if (!id.startsWith("tenant|")) continue;
                        if (!tenants.isEmpty() && !tenants.contains(id.substring("tenant|".length()))) continue;
                        rows.add(new Row(
                                id,
                                result.getLong(2),
                                result.getString(3),
                                result.getLong(4),
                                new JournalStore.Stored(
                                        result.getLong(2),
                                        result.getTimestamp(8).getTime(),
                                        result.getInt(5),
                                        result.getString(6),
                                        result.getBytes(7))));
                    }
                }
            }
        }
        return rows;
    }

    /** The tenant as its journal holds it up to {@code lastSeqNr} (where the set-aside events followed). */
    private static TenantReplay replayTo(JournalStore journal, String tenant, long lastSeqNr) {
        TenantReplay replay = TenantReplay.empty(tenant, TenantSettings.from(journal.config));
        JournalStore.await(journal.events("tenant|" + tenant, 0, lastSeqNr)
                .runWith(Sink.foreach(envelope -> replay.apply((TenantEvent) envelope.event())), journal.system));
        return replay;
    }

    /** The request that makes the change {@code event} made, or null for an event no client request makes. */
    static Map<String, Object> request(String tenant, TenantEvent event, TenantReplay replay) {
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("tenant", tenant);
        Map<String, Object> body = new LinkedHashMap<>();
        if (event instanceof TenantEvent.BatchApplied batch
                && batch.toValidatedBatch().tableDeltas().keySet().stream()
                        .allMatch(io.shardview.circuit.catalog.Clock::isSystem)) {
            return null; // a tick of the tenant's clock: the new home's clock ticks of its own
        }
        if (event instanceof TenantEvent.BatchApplied batch) {
            request.put("request", "ingest");
            body.put("ops", replay.ops(batch));
            if (batch.batchId() != null) body.put("batch_id", batch.batchId());
        } else if (event instanceof TenantEvent.SqlApplied sql) {
            request.put("request", "sql");
            body.put("sql", sql.sql());
        } else {
            return null;
        }
        request.put("body", body);
        return request;
    }

    private static String text(Map<String, Object> line) {
        StringBuilder out = new StringBuilder();
        out.append(line.get("tenant")).append("  seq ").append(line.get("sequence_nr"));
        if (line.containsKey("version")) out.append("  version ").append(line.get("version"));
        out.append("  ").append(line.get("type"));
        if (line.containsKey("batch_id")) out.append("  batch ").append(line.get("batch_id"));
        if (line.containsKey("ops")) out.append("  ops ").append(line.get("ops"));
        if (line.containsKey("sql")) out.append("  sql ").append(line.get("sql"));
        out.append("  (home now ")
                .append(line.get("new_home"))
                .append(", epoch ")
                .append(line.get("new_epoch"))
                .append(")");
        return out.toString();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }

    private PrintWriter err() {
        return spec.commandLine().getErr();
    }
}
