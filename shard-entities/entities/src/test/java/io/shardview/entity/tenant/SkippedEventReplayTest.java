package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.data.Row;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * A journal with an event an operator skipped ({@code shardview journal skip}) replays to the tables as if that
 * event had never been accepted and every later batch had made its change to the tables as they then were (a key a
 * later batch sets is set, a key it removes is removed if there, copies never fall below none), and every view equals
 * its recomputation from those tables: differentially, over random batches on a keyed and a keyless table, with a
 * random event skipped.
 */
class SkippedEventReplayTest {
    private static final TenantSettings SETTINGS = TenantStateReplayTest.SETTINGS;

    private static final List<String> SQL = List.of(
            "CREATE TABLE k (id INT PRIMARY KEY, v INT)",
            "CREATE TABLE b (x INT, y INT)",
            "CREATE VIEW by_v AS SELECT v, COUNT(*) AS n, SUM(id) AS s FROM k GROUP BY v",
            "CREATE VIEW joined AS SELECT b.x, b.y, k.v FROM b JOIN k ON b.x = k.id",
            "CREATE VIEW by_x AS SELECT x, COUNT(*) AS n, MAX(y) AS top FROM b GROUP BY x");

    @Test
    void batchesAfterASkippedOneApplyToTheTablesWithoutIt() {
        for (int seed = 1; seed <= 30; seed++) {
            Random random = new Random(seed);
            Circuit source = new Circuit();
            List<TenantEvent> events = new ArrayList<>();
            for (String sql : SQL) events.add(sqlEvent(source, sql));
            int firstBatch = events.size();
            for (int i = 0; i < 40; i++) events.add(batchEvent(source, randomOps(source, random)));
            int skipped = firstBatch + random.nextInt(events.size() - firstBatch);
            TenantEvent.BatchApplied poison = (TenantEvent.BatchApplied) events.get(skipped);

            TenantState replayed = new TenantState("t", SETTINGS, new Circuit());
            for (int i = 0; i < events.size(); i++) {
                replayed.apply(i == skipped ? skip(poison.version()) : events.get(i));
            }

            Circuit expected = expectedAfterSkipping(events, skipped);
            String where = "seed " + seed + ", event " + (skipped + 1) + " skipped";
            assertEquals(source.version(), replayed.circuit.version(), where);
            for (String relation : List.of("k", "b", "by_v", "joined", "by_x")) {
                assertEquals(hash(expected, relation), hash(replayed.circuit, relation), where + ": " + relation);
            }
            for (String view : List.of("by_v", "joined", "by_x")) {
                assertEquals(replayed.circuit.recompute(view), replayed.circuit.content(view), where + ": " + view);
            }
        }
    }

    @Test
    void aSkippedEventAtTheEndOnlyMovesTheVersion() {
        Circuit source = new Circuit();
        List<TenantEvent> events = new ArrayList<>();
        for (String sql : SQL) events.add(sqlEvent(source, sql));
        events.add(batchEvent(source, List.of(Op.insert("k", Map.of("id", 1, "v", 7)))));
        String before = hash(source, "by_v");
        events.add(batchEvent(source, List.of(Op.upsert("k", Map.of("id", 1, "v", 8)))));
        assertNotEquals(before, hash(source, "by_v"));

        TenantState replayed = new TenantState("t", SETTINGS, new Circuit());
        for (int i = 0; i < events.size() - 1; i++) replayed.apply(events.get(i));
        replayed.apply(skip(events.get(events.size() - 1).version()));
        assertEquals(source.version(), replayed.circuit.version());
        assertEquals(before, hash(replayed.circuit, "by_v"));
    }

    @Test
    void aBatchForATableASkippedStatementWouldHaveCreatedIsLeftOut() {
        Circuit source = new Circuit();
        List<TenantEvent> events = new ArrayList<>();
        events.add(sqlEvent(source, "CREATE TABLE a (id INT PRIMARY KEY)"));
        events.add(sqlEvent(source, "CREATE TABLE c (id INT PRIMARY KEY)"));
        events.add(batchEvent(source, List.of(Op.insert("a", Map.of("id", 1)), Op.insert("c", Map.of("id", 2)))));

        TenantState replayed = new TenantState("t", SETTINGS, new Circuit());
        replayed.apply(events.get(0));
        replayed.apply(skip(events.get(1).version()));
        replayed.apply(events.get(2));
        assertEquals(3, replayed.circuit.version());
        assertEquals(1, replayed.circuit.read("a", 10, null).orElseThrow().count());
        assertEquals(true, replayed.circuit.read("c", 10, null).isEmpty());
    }

    private static TenantEvent.Skipped skip(long version) {
        return new TenantEvent.Skipped(
                version, "batch-applied.v1", "test", "2026-11-27T00:00:00Z", null, null, null, null);
    }

    private static TenantEvent sqlEvent(Circuit circuit, String sql) {
        DdlResult.Applied applied = (DdlResult.Applied) circuit.executeSql(sql);
        return new TenantEvent.SqlApplied(applied.version(), sql, applied.objects(), Circuit.SQL_REVISION, null);
    }

    private static TenantEvent batchEvent(Circuit circuit, List<Op> ops) {
        ValidatedBatch batch = (ValidatedBatch) circuit.validate(ops);
        TenantEvent.BatchApplied event = TenantEvent.BatchApplied.of(batch, null);
        assertEquals(BatchOutcome.Accepted.class, circuit.apply(batch).getClass());
        // As recovery reads it: the journal's bytes, not the batch it was made from.
        return new TenantEvent.BatchApplied(event.version(), null, event.ops(), event.deltas());
    }

    /** Valid ops against the source as it is: upserts and deletes of keys, inserts and deletes of copies. */
    private static List<Op> randomOps(Circuit source, Random random) {
        Map<Integer, Integer> keys = keyed(source);
        Map<List<Integer>, Integer> copies = keyless(source);
        List<Op> ops = new ArrayList<>();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            int id = random.nextInt(12);
            if (keys.containsKey(id) && random.nextInt(3) == 0) {
                ops.add(Op.deleteKey("k", Map.of("id", id)));
                keys.remove(id);
            } else {
                int v = random.nextInt(4);
                ops.add(Op.upsert("k", Map.of("id", id, "v", v)));
                keys.put(id, v);
            }
        }
        for (int i = random.nextInt(4); i > 0; i--) {
            List<Integer> row = List.of(random.nextInt(12), random.nextInt(3));
            if (copies.getOrDefault(row, 0) > 0 && random.nextBoolean()) {
                ops.add(Op.deleteRow("b", Map.of("x", row.get(0), "y", row.get(1))));
                copies.merge(row, -1, Integer::sum);
            } else {
                ops.add(Op.insert("b", Map.of("x", row.get(0), "y", row.get(1))));
                copies.merge(row, 1, Integer::sum);
            }
        }
        return ops;
    }

    /**
     * The tables a replay that skips event {@code skipped} should reach, modelled apart from the engine, and a new
     * circuit holding them with every view computed from them at once.
     */
    private static Circuit expectedAfterSkipping(List<TenantEvent> events, int skipped) {
        Map<Integer, Integer> keys = new TreeMap<>();
        Map<List<Integer>, Integer> copies = new HashMap<>();
        for (int i = 0; i < events.size(); i++) {
            if (i == skipped || !(events.get(i) instanceof TenantEvent.BatchApplied batch)) continue;
            var deltas = batch.toValidatedBatch().tableDeltas();
            if (deltas.containsKey("k")) {
                Map<Integer, Integer> set = new LinkedHashMap<>();
                List<Integer> removed = new ArrayList<>();
                deltas.get("k").forEach((row, w) -> {
                    if (w > 0) set.put(i(row.get(0)), i(row.get(1)));
                    else removed.add(i(row.get(0)));
                });
                removed.forEach(keys::remove);
                keys.putAll(set);
            }
            if (deltas.containsKey("b")) {
                deltas.get("b").forEach((row, w) -> {
                    List<Integer> r = List.of(i(row.get(0)), i(row.get(1)));
                    copies.put(r, (int) Math.max(0, copies.getOrDefault(r, 0) + w));
                });
            }
        }
        Circuit expected = new Circuit();
        for (String sql : SQL) {
            if (sql.startsWith("CREATE TABLE")) expected.executeSql(sql);
        }
        List<Op> load = new ArrayList<>();
        keys.forEach((id, v) -> load.add(Op.insert("k", Map.of("id", id, "v", v))));
        copies.forEach((row, n) -> {
            for (int c = 0; c < n; c++) load.add(Op.insert("b", Map.of("x", row.get(0), "y", row.get(1))));
        });
        if (!load.isEmpty()) expected.applyBatch(load);
        for (String sql : SQL) {
            if (sql.startsWith("CREATE VIEW")) expected.executeSql(sql);
        }
        return expected;
    }

    private static Map<Integer, Integer> keyed(Circuit circuit) {
        Map<Integer, Integer> out = new HashMap<>();
        for (Row row : circuit.read("k", 100_000, null).orElseThrow().rows()) out.put(i(row.get(0)), i(row.get(1)));
        return out;
    }

    private static Map<List<Integer>, Integer> keyless(Circuit circuit) {
        Map<List<Integer>, Integer> out = new HashMap<>();
        for (Row row : circuit.read("b", 100_000, null).orElseThrow().rows())
            out.merge(List.of(i(row.get(0)), i(row.get(1))), 1, Integer::sum);
        return out;
    }

    private static int i(Object value) {
        return ((Number) value).intValue();
    }

    private static String hash(Circuit circuit, String relation) {
        return circuit.read(relation, 0, null).orElseThrow().hash();
    }
}
