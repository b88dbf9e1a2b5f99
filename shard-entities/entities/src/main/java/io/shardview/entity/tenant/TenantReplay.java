package io.shardview.entity.tenant;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.RowsPage;
import io.shardview.circuit.catalog.CatalogDescription;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A tenant's state rebuilt outside any entity, for the journal tools: from its events alone, or from a snapshot and
 * the events after it. The same code applies the events as the entity's recovery does, so what it shows at version N
 * is what the tenant showed at version N.
 */
public final class TenantReplay {
    private final TenantState state;

    private TenantReplay(TenantState state) {
        this.state = state;
    }

    /** An empty tenant, before its first event. */
    public static TenantReplay empty(String tenant, TenantSettings settings) {
        return new TenantReplay(new TenantState(tenant, settings, new Circuit()));
    }

    /** The tenant as a snapshot holds it (a {@link TenantSnapshot} as read from the snapshot store). */
    public static TenantReplay fromSnapshot(String tenant, TenantSettings settings, Object snapshot) {
        return new TenantReplay(TenantSnapshot.adapter(tenant, settings).fromJournal(snapshot));
    }

    /** Applies one event of the tenant's journal, as recovery does. */
    public void apply(TenantEvent event) {
        state.apply(event);
    }

    /** The version the tenant has reached. */
    public long version() {
        return state.circuit.version();
    }

    /** The tenant's home region, when an event set it (regions); else null. */
    public String home() {
        return state.home;
    }

    /** One table or view: its name, the rows it holds (copies counted), and the hash the API shows for it. */
    public record Relation(String kind, String name, long rows, String hash) {}

    /** Every table, then every view, in the catalog's order. */
    public List<Relation> relations() {
        CatalogDescription catalog = state.circuit.describe();
        List<Relation> relations = new ArrayList<>();
        for (var table : catalog.tables()) relations.add(relation("table", table.name()));
        for (var view : catalog.views()) relations.add(relation("view", view.name()));
        return relations;
    }

    /** The SQL of a view, or null when there is no such view. */
    public String viewSql(String view) {
        return state.circuit.describe().views().stream()
                .filter(v -> v.name().equals(view))
                .map(CatalogDescription.ViewInfo::sql)
                .findFirst()
                .orElse(null);
    }

    /** Up to {@code limit} rows of a table or view after the cursor {@code after} (null: from the start), as the API pages them. */
    public RowsPage rows(String name, int limit, String after) {
        return state.circuit.read(name, limit, after).orElse(null);
    }

    /**
     * A batch event as the ops of an ingest request that would make the same change to the tenant as it now is (the
     * replay just before the batch): for a table with a primary key, a key whose row was replaced is an {@code upsert}
     * of the new row, a key only added an {@code insert}, a key only removed a {@code delete} by key; for a table
     * without one, each copy removed is a {@code delete} of the row and each copy added an {@code insert}. The journal
     * keeps a batch's net change, not the ops as sent, so this is what the batch did, not what its client wrote.
     */
    public List<Map<String, Object>> ops(TenantEvent.BatchApplied batch) {
        Map<String, CatalogDescription.TableInfo> tables = new LinkedHashMap<>();
        for (var table : state.circuit.describe().tables()) tables.put(table.name(), table);
        List<Map<String, Object>> ops = new ArrayList<>();
        batch.toValidatedBatch().tableDeltas().forEach((name, delta) -> {
            CatalogDescription.TableInfo table = tables.get(name);
            List<String> columns = table == null
                    ? List.of()
                    : table.columns().stream()
                            .map(io.shardview.circuit.catalog.Column::name)
                            .toList();
            List<List<Object>> inserted = new ArrayList<>();
            List<List<Object>> deleted = new ArrayList<>();
            delta.forEach((row, weight) -> RowJson.addCopies(weight > 0 ? inserted : deleted, row, Math.abs(weight)));
            List<String> key = table == null ? List.of() : table.primaryKey();
            if (key.isEmpty()) {
                for (List<Object> row : deleted) ops.add(op("delete", name, "row", object(columns, row)));
                for (List<Object> row : inserted) ops.add(op("insert", name, "row", object(columns, row)));
                return;
            }
            Map<Map<String, Object>, List<Object>> added = new LinkedHashMap<>();
            for (List<Object> row : inserted) added.put(keyOf(key, object(columns, row)), row);
            for (List<Object> row : deleted) {
                Map<String, Object> rowKey = keyOf(key, object(columns, row));
                if (!added.containsKey(rowKey)) ops.add(op("delete", name, "key", rowKey));
            }
            for (List<Object> row : inserted) {
                Map<String, Object> values = object(columns, row);
                boolean replaced = deleted.stream()
                        .anyMatch(old -> keyOf(key, object(columns, old)).equals(keyOf(key, values)));
                ops.add(op(replaced ? "upsert" : "insert", name, "row", values));
            }
        });
        return ops;
    }

    private static Map<String, Object> op(String op, String table, String field, Map<String, Object> value) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("op", op);
        out.put("table", table);
        out.put(field, value);
        return out;
    }

    private static Map<String, Object> object(List<String> columns, List<Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < row.size(); i++)
            out.put(i < columns.size() ? columns.get(i) : "column" + (i + 1), row.get(i));
        return out;
    }

    private static Map<String, Object> keyOf(List<String> key, Map<String, Object> row) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String column : key) out.put(column, row.get(column));
        return out;
    }

    /** The rows as the API writes them (values as JSON-ready objects). */
    public static List<List<Object>> json(RowsPage page) {
        return RowJson.rows(page.rows());
    }

    /**
     * An event as the journal tools show it: its type name and fields; a batch as the rows it inserted into and
     * deleted from each table (its net effect, which is what the journal keeps, not the ops as sent).
     */
    public static Map<String, Object> describe(TenantEvent event) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (event instanceof TenantEvent.Replicated replicated) {
            out.put("type", "replicated.v1");
            out.put("home", replicated.home());
            out.put("event", describe(replicated.event()));
        } else if (event instanceof TenantEvent.SqlApplied sql) {
            out.put("type", "sql-applied.v1");
            out.put("version", sql.version());
            out.put("sql", sql.sql());
            out.put("objects", sql.objects());
            if (sql.requestKey() != null) out.put("request_key", sql.requestKey());
        } else if (event instanceof TenantEvent.BatchApplied batch) {
            out.put("type", "batch-applied.v1");
            out.put("version", batch.version());
            if (batch.batchId() != null) out.put("batch_id", batch.batchId());
            out.put("ops", batch.ops());
            Map<String, Object> tables = new LinkedHashMap<>();
            batch.toValidatedBatch().tableDeltas().forEach((table, delta) -> {
                List<List<Object>> inserted = new ArrayList<>();
                List<List<Object>> deleted = new ArrayList<>();
                delta.forEach(
                        (row, weight) -> RowJson.addCopies(weight > 0 ? inserted : deleted, row, Math.abs(weight)));
                tables.put(table, Map.of("inserted", inserted, "deleted", deleted));
            });
            out.put("tables", tables);
        } else if (event instanceof TenantEvent.BudgetsSet budgets) {
            out.put("type", "budgets-set.v1");
            out.put("version", budgets.version());
            out.put("budgets", budgets.budgets());
        } else if (event instanceof TenantEvent.HomeSet home) {
            out.put("type", "home-set.v1");
            out.put("version", home.version());
            out.put("region", home.region());
            if (home.epoch() > 0) out.put("epoch", home.epoch());
            if (home.lost() != null) out.put("lost", home.lost());
        } else if (event instanceof TenantEvent.ReplicationSet replication) {
            out.put("type", "replication-set.v1");
            out.put("version", replication.version());
            out.putAll(replication.replication().toJson());
        } else if (event instanceof TenantEvent.ClockSet clock) {
            out.put("type", "clock-set.v1");
            out.put("version", clock.version());
            out.put("resolution_micros", clock.resolutionMicros());
        } else if (event instanceof TenantEvent.Skipped skipped) {
            out.put("type", "event-skipped.v1");
            out.put("version", skipped.version());
            out.put("was", skipped.was());
            if (skipped.reason() != null) out.put("reason", skipped.reason());
            out.put("at", skipped.at());
            out.put("original_bytes", skipped.original() == null ? 0 : skipped.original().length);
            if (skipped.lastSequenceNr() != null) out.put("last_sequence_nr", skipped.lastSequenceNr());
        }
        return out;
    }

    private Relation relation(String kind, String name) {
        RowsPage page = state.circuit.read(name, 0, null).orElseThrow();
        return new Relation(kind, name, page.count(), page.hash());
    }
}
