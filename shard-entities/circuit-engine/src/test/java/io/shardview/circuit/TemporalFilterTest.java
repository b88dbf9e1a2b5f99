package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.circuit.catalog.Clock;
import java.sql.SQLException;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Views over the time: NOW(), CURRENT_TIMESTAMP, LOCALTIMESTAMP and CURRENT_DATE read the tenant's clock, which moves
 * by batches of the engine's own (Circuit#clockBatch). Random batches of events around the clock, the clock moving by
 * a random step after each: after every batch and every tick each view equals PostgreSQL's answer for the same query
 * with the time fixed to the clock's value, and the engine's own recomputation; a snapshot taken midway restores the
 * clock with the views.
 */
class TemporalFilterTest {
    private static final String TABLE = "CREATE TABLE e (id INT PRIMARY KEY, ts TIMESTAMP, v INT)";
    private static final List<String> VIEWS = List.of(
            "SELECT id, ts FROM e WHERE ts > NOW() - INTERVAL '1 hour'",
            "SELECT id FROM e WHERE ts + INTERVAL '30 minutes' > CURRENT_TIMESTAMP AND ts <= LOCALTIMESTAMP",
            "SELECT COUNT(*) AS n, SUM(v) AS s FROM e WHERE ts BETWEEN NOW() - INTERVAL '2 hours' AND NOW()",
            "SELECT id FROM e WHERE CAST(ts AS DATE) = CURRENT_DATE",
            "SELECT id, v, NOW() AS seen FROM e WHERE v > 5",
            "SELECT date_trunc('hour', ts) AS h, COUNT(*) AS c FROM e WHERE ts > NOW() - INTERVAL '3 hours' GROUP BY"
                    + " date_trunc('hour', ts)",
            // Intervals of the time: how long ago, and age by the calendar from today's midnight.
            "SELECT id, NOW() - ts AS since, age(ts) AS aged FROM e WHERE ts > NOW() - INTERVAL '90 minutes'",
            "SELECT id FROM e WHERE NOW() - ts < INTERVAL '45 minutes'",
            "SELECT id, v FROM e WHERE INTERVAL '1 mon 2 hours' >= NOW() - ts AND v > 2");

    @Test
    void viewsOverTheClockEqualPostgresAtEveryTick() throws SQLException, java.io.IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, VIEWS);
            assertTrue(circuit.usesClock());
            assertNull(circuit.clock(), "no tick yet");
            var plan = circuit.explain("v0").orElseThrow().operators();
            assertTrue(
                    plan.stream().anyMatch(o -> o.operator().equals("RangeSemiJoin")),
                    "the last hour is a range semi-join over the clock: " + plan);
            assertFalse(
                    circuit.describe().tables().stream().anyMatch(t -> Clock.isSystem(t.name())),
                    "the clock's table is not the tenant's");
            LocalDateTime now = LocalDateTime.of(2024, 2, 28, 22, 0, 0);
            tick(circuit, now);
            SplittableRandom random = new SplittableRandom(7);
            Set<Integer> ids = new HashSet<>();
            for (int batch = 0; batch < 60; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<Integer> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(6); i++) {
                    int id = random.nextInt(25);
                    if (!touched.add(id)) continue;
                    statements.add("DELETE FROM e WHERE id = " + id);
                    if (ids.contains(id) && random.nextInt(4) == 0) {
                        ids.remove(id);
                        ops.add(Op.deleteKey("e", Map.of("id", id)));
                        continue;
                    }
                    LocalDateTime ts = random.nextInt(10) == 0
                            ? null
                            : now.minusMinutes(random.nextInt(-60, 240)).withSecond(random.nextInt(60));
                    Integer v = random.nextInt(6) == 0 ? null : random.nextInt(10);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("ts", ts);
                    row.put("v", v);
                    ops.add(ids.add(id) ? Op.insert("e", row) : Op.update("e", row));
                    statements.add("INSERT INTO e VALUES (" + id + ", "
                            + (ts == null ? "NULL" : "'" + ts.toString().replace('T', ' ') + "'") + ", " + v + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, atTime(now), "batch " + batch);
                // The clock moves on, by seconds to hours (across midnight too): rows age out of the windows.
                now = now.plusSeconds(random.nextInt(3) == 0 ? random.nextInt(1, 60) : random.nextInt(60, 3 * 3600));
                tick(circuit, now);
                pg.assertViewsEqual(circuit, atTime(now), "tick after batch " + batch);
                if (batch == 30) {
                    circuit = restored(circuit);
                    assertEquals(now, circuit.clock());
                }
            }
        }
    }

    /**
     * A view of the last hour over a stream: 10 events a simulated minute for 5 hours, the clock ticking each minute.
     * The view holds the last hour's events and its operators about as many rows, flat after the first hour, while the
     * table grows; a batch refused by a second view (division by zero) leaves both as they were, old rows in it too.
     */
    @Test
    void aViewOfTheLastHourKeepsAnHourOfRows() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        PostgresMirror.createViews(
                circuit,
                List.of(
                        "SELECT id, v FROM e WHERE ts > NOW() - INTERVAL '1 hour'",
                        "SELECT id, 10 / (v - 5) AS q FROM e WHERE ts > NOW() - INTERVAL '1 hour' AND v IS NOT NULL",
                        // How long ago, compared: the same range semi-join over the shifted clock.
                        "SELECT id, v FROM e WHERE NOW() - ts < INTERVAL '1 hour'"));
        LocalDateTime now = LocalDateTime.of(2024, 3, 1, 0, 0);
        tick(circuit, now);
        int id = 0;
        List<LocalDateTime> stamps = new ArrayList<>();
        List<Long> stateAfterFirstHour = new ArrayList<>();
        for (int minute = 1; minute <= 300; minute++) {
            List<Op> ops = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                ops.add(Op.insert("e", Map.of("id", id++, "ts", now.plusSeconds(i), "v", i % 5)));
                stamps.add(now.plusSeconds(i));
            }
            assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "minute " + minute);
            if (minute % 7 == 0) { // v = 5 fails the second view: nothing of the batch stays, nor of an old row in it
                List<Op> failing = List.of(
                        Op.insert("e", Map.of("id", -minute, "ts", now.minusHours(2), "v", 1)),
                        Op.insert("e", Map.of("id", -minute - 1000, "ts", now, "v", 5)));
                assertInstanceOf(BatchOutcome.Failed.class, circuit.applyBatch(failing), "minute " + minute);
            }
            now = now.plusMinutes(1);
            tick(circuit, now);
            long held = semiJoinRows(circuit, "v0");
            long heldAgo = semiJoinRows(circuit, "v2");
            if (minute > 60) {
                assertTrue(heldAgo > 0, "NOW() - ts < ... is a range semi-join too");
                stateAfterFirstHour.add(Math.max(held, heldAgo));
            }
            LocalDateTime hourAgo = now.minusHours(1);
            long lastHour = stamps.stream().filter(t -> t.isAfter(hourAgo)).count();
            assertEquals(lastHour, circuit.content("v0").size(), "the last hour at minute " + minute);
            assertEquals(circuit.recompute("v0"), circuit.content("v0"), "recomputed at minute " + minute);
            assertEquals(circuit.recompute("v1"), circuit.content("v1"), "recomputed at minute " + minute);
            assertEquals(circuit.content("v0"), circuit.content("v2"), "now - ts < 1 hour at minute " + minute);
        }
        assertEquals(3000, circuit.read("e", 1, null).orElseThrow().count(), "the table keeps every event");
        long most =
                stateAfterFirstHour.stream().mapToLong(Long::longValue).max().orElseThrow();
        assertTrue(most <= 61 * 10 + 1, "the semi-join holds about an hour of rows, not the stream: " + most);
    }

    private static long semiJoinRows(Circuit circuit, String view) {
        return circuit.explain(view).orElseThrow().operators().stream()
                .filter(o -> o.operator().equals("RangeSemiJoin"))
                .mapToLong(o -> o.stateRows())
                .sum();
    }

    @Test
    void theClockIsTheEnginesOwn() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        DdlResult refused = circuit.executeSql("CREATE VIEW q AS SELECT id FROM e WHERE ts < random()");
        assertInstanceOf(DdlResult.Rejected.class, refused);
        assertTrue(refused.toString().contains("non-deterministic function random()"), refused.toString());
        DdlResult created = circuit.executeSql("CREATE VIEW recent AS SELECT id FROM e WHERE ts > NOW()");
        assertInstanceOf(DdlResult.Applied.class, created);
        assertEquals(1, ((DdlResult.Applied) created).objects().size(), "only the view is reported: " + created);
        assertInstanceOf(
                BatchOutcome.Rejected.class,
                circuit.applyBatch(List.of(Op.upsert(Clock.TABLE, Map.of("id", 1, "now", LocalDateTime.now())))),
                "a client cannot write the clock");
        assertTrue(circuit.read(Clock.TABLE, 10, null).isEmpty(), "nor read it");
        assertInstanceOf(DdlResult.Rejected.class, circuit.executeSql("CREATE TABLE \"$t\" (x INT)"));
        assertInstanceOf(DdlResult.Rejected.class, circuit.executeSql("DROP TABLE \"$clock\""));
        assertFalse(TestCircuits.circuit(TABLE).usesClock(), "a tenant without such a view does not tick");
        // One-off queries read the clock once the tenant has one.
        tick(circuit, LocalDateTime.of(2024, 1, 1, 0, 0));
        assertInstanceOf(QueryResult.Rows.class, circuit.query("SELECT NOW() AS t FROM e"));
    }

    private static void tick(Circuit circuit, LocalDateTime now) {
        assertInstanceOf(BatchOutcome.Accepted.class, circuit.apply((ValidatedBatch) circuit.clockBatch(now)));
    }

    /** The views as PostgreSQL runs them with the time fixed to {@code now}. */
    private static List<String> atTime(LocalDateTime now) {
        String timestamp = "TIMESTAMP '" + now.toString().replace('T', ' ') + "'";
        String date = "DATE '" + now.toLocalDate() + "'";
        List<String> out = new ArrayList<>();
        for (String view : VIEWS) {
            out.add(view.replace("NOW()", timestamp)
                    .replace("CURRENT_TIMESTAMP", timestamp)
                    .replace("LOCALTIMESTAMP", timestamp)
                    .replace("CURRENT_DATE", date)
                    .replace("age(ts)", "age(CAST(" + date + " AS TIMESTAMP), ts)"));
        }
        return out;
    }

    private static Circuit restored(Circuit circuit) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        circuit.writeSnapshot(new java.io.DataOutputStream(bytes));
        return Circuit.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
    }
}
