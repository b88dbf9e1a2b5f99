package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.io.IOException;
import java.sql.SQLException;
import java.time.LocalDate;
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
 * Intervals as values, maintained incrementally: differences of timestamps, interval arithmetic, EXTRACT and
 * date_part of intervals, justify_*, age, intervals compared, grouped, ordered and taken MIN and MAX of, shown as
 * PostgreSQL shows them. Random batches of inserts, updates and deletes (NULLs too); after every batch each view equals
 * PostgreSQL's answer and the engine's own recomputation, also after a snapshot is restored.
 */
class IntervalViewTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, a TIMESTAMP, b TIMESTAMP, d DATE, n INT)";

    private static final List<String> VIEWS = List.of(
            "SELECT id, b - a AS dur, a - b AS back, d - a AS from_day, a - d AS to_day FROM t",
            "SELECT id, EXTRACT(EPOCH FROM b - a) AS secs, EXTRACT(HOUR FROM b - a) AS h, EXTRACT(SECOND FROM a - b) AS s,"
                    + " EXTRACT(MONTH FROM INTERVAL '1 mon' * n) AS mo, date_part('day', b - a) AS dd,"
                    + " date_part('epoch', (b - a) * 1.5) AS e, EXTRACT(YEAR FROM INTERVAL '5 mons' * n) AS y FROM t",
            "SELECT id, (b - a) * n AS scaled, (b - a) / 3 AS third, -(b - a) AS neg, (b - a) + INTERVAL '1 mon 2 days'"
                    + " AS plus, 2 * (b - a) - INTERVAL '1 hour' AS less, INTERVAL '1 mon' / 7 * n AS weekish,"
                    + " '1 day 2 hours'::interval * n AS cast_infix, CAST('-3 hours' AS INTERVAL) / 4 AS cast_call FROM t",
            "SELECT id, justify_days(INTERVAL '1 day' * n) AS jd, justify_hours(b - a + INTERVAL '30 hours') AS jh,"
                    + " justify_interval(INTERVAL '1 mon' * n - (b - a)) AS ji, INTERVAL '1 year -2 mons' * n + (a - b) AS mixed,"
                    + " INTERVAL '-1 day' * n + INTERVAL '3 mons 02:00:00.5' AS signs FROM t",
            "SELECT id, age(b, a) AS ab, age(a, b) AS ba, age(CAST(d AS TIMESTAMP), a) AS da FROM t",
            "SELECT n % 3 AS g, MAX(b - a) AS longest, MIN(b - a) AS shortest, COUNT(b - a) AS c, SUM(b - a) AS total,"
                    + " AVG(b - a) AS mean, SUM(INTERVAL '1 mon 1 day' * n) AS months FROM t GROUP BY n % 3",
            "SELECT id, SUM(b - a) OVER (ORDER BY id ROWS 2 PRECEDING) AS recent, AVG(b - a) OVER (PARTITION BY n % 2)"
                    + " AS mean FROM t",
            "SELECT SUM(b - a) AS total, AVG(a - b) AS mean FROM t WHERE n > 100",
            "SELECT id, a + (b - a) / 2 AS mid, d + (b - a) AS later, b - (b - a) * 2 AS before FROM t"
                    + " WHERE b - a BETWEEN INTERVAL '2 hours' AND INTERVAL '30 days'",
            "SELECT id, ROW_NUMBER() OVER (ORDER BY b - a, id) AS r, LAG(b - a) OVER (ORDER BY id) AS earlier,"
                    + " MAX(b - a) OVER (PARTITION BY n % 2) AS m FROM t",
            "SELECT id, CAST(b - a AS VARCHAR) AS txt, COALESCE(b - a, INTERVAL '0') AS z,"
                    + " CASE WHEN n > 0 THEN b - a END AS c FROM t",
            "SELECT date_trunc('day', b) - date_trunc('day', a) AS days, COUNT(*) AS c FROM t"
                    + " GROUP BY date_trunc('day', b) - date_trunc('day', a)",
            "SELECT DISTINCT date_trunc('hour', b) - date_trunc('hour', a) AS hours FROM t WHERE n > 0",
            "SELECT id FROM t WHERE a - b > INTERVAL '-1 day' OR b - a = INTERVAL '1 day' OR b - a < INTERVAL '1 mon'"
                    + " - INTERVAL '29 days'");

    @Test
    void intervalViewsEqualPostgresAfterEveryBatch() throws SQLException, IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(17);
            Set<Integer> ids = new HashSet<>();
            for (int batch = 0; batch < 40; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<Integer> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(8); i++) {
                    int id = random.nextInt(20);
                    if (!touched.add(id)) continue;
                    statements.add("DELETE FROM t WHERE id = " + id);
                    if (ids.contains(id) && random.nextInt(3) == 0) {
                        ids.remove(id);
                        ops.add(Op.deleteKey("t", Map.of("id", id)));
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("a", timestamp(random));
                    row.put("b", random.nextInt(4) == 0 ? row.get("a") : timestamp(random));
                    row.put(
                            "d",
                            random.nextInt(8) == 0
                                    ? null
                                    : LocalDate.of(2024, 1, 20).plusDays(random.nextInt(50)));
                    row.put("n", random.nextInt(5) == 0 ? null : random.nextInt(-40, 40));
                    ops.add(ids.add(id) ? Op.insert("t", row) : Op.update("t", row));
                    statements.add("INSERT INTO t VALUES (" + id + ", " + TestCircuits.literal(row.get("a")) + ", "
                            + TestCircuits.literal(row.get("b")) + ", " + TestCircuits.literal(row.get("d")) + ", "
                            + row.get("n") + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
                if (batch == 20) circuit = TestCircuits.restored(circuit);
            }
        }
    }

    private static final String SPANS = "CREATE TABLE s (id INT PRIMARY KEY, span INTERVAL, ts TIMESTAMP)";

    private static final List<String> SPAN_VIEWS = List.of(
            "SELECT id, span, ts + span AS due, span * 2 AS twice, -span AS back FROM s",
            "SELECT SUM(span) AS total, AVG(span) AS mean, MAX(span) AS longest, MIN(span) AS shortest FROM s",
            "SELECT id FROM s WHERE span > INTERVAL '1 day' OR span IS NULL",
            "SELECT justify_interval(span) AS j, COUNT(*) AS c FROM s GROUP BY justify_interval(span)");

    /** Interval input as users send it: units, times, signs, fractions, y-m. */
    private static final List<String> SPAN_TEXTS = List.of(
            "1 day",
            "2 hours 30 minutes",
            "-3 mons",
            "00:00:01.5",
            "1 year 2 mons 3 days 04:05:06.789",
            "-1 day +2 hours",
            "1.5 days",
            "36 hours",
            "1-2",
            "0",
            "1 day ago",
            "7 weeks");

    @Test
    void tableColumnsOfIntervalsEqualPostgresAfterEveryBatch() throws SQLException, IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(SPANS);
            Circuit circuit = TestCircuits.circuit(SPANS);
            PostgresMirror.createViews(circuit, SPAN_VIEWS);
            SplittableRandom random = new SplittableRandom(5);
            Set<Integer> ids = new HashSet<>();
            for (int batch = 0; batch < 30; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<Integer> touched = new HashSet<>();
                for (int i = 0; i < 1 + random.nextInt(6); i++) {
                    int id = random.nextInt(15);
                    if (!touched.add(id)) continue;
                    statements.add("DELETE FROM s WHERE id = " + id);
                    if (ids.contains(id) && random.nextInt(3) == 0) {
                        ids.remove(id);
                        ops.add(Op.deleteKey("s", Map.of("id", id)));
                        continue;
                    }
                    String span = random.nextInt(8) == 0 ? null : SPAN_TEXTS.get(random.nextInt(SPAN_TEXTS.size()));
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("span", span);
                    row.put("ts", timestamp(random));
                    ops.add(ids.add(id) ? Op.insert("s", row) : Op.update("s", row));
                    statements.add("INSERT INTO s VALUES (" + id + ", " + TestCircuits.literal(span) + ", "
                            + TestCircuits.literal(row.get("ts")) + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, SPAN_VIEWS, "batch " + batch);
                if (batch == 15) circuit = TestCircuits.restored(circuit);
            }
            // Input PostgreSQL refuses is refused, and changes nothing.
            BatchOutcome refused = circuit.applyBatch(List.of(Op.insert("s", Map.of("id", 99, "span", "1 fortnight"))));
            assertInstanceOf(BatchOutcome.Rejected.class, refused);
            assertTrue(refused.toString().contains("invalid input syntax for type interval"), refused.toString());
            pg.assertViewsEqual(circuit, SPAN_VIEWS, "after a refused batch");
        }
    }

    /** Timestamps around month ends and a leap day, to the microsecond; NULL one time in eight. */
    private static LocalDateTime timestamp(SplittableRandom random) {
        if (random.nextInt(8) == 0) return null;
        return LocalDateTime.of(2024, 1, 25, 0, 0)
                .plusMinutes(random.nextInt(60 * 24 * 40))
                .plusNanos(random.nextInt(3) * 999_999_000L + random.nextInt(2) * 1_000L);
    }

    @Test
    void whatTheEngineDoesNotDoWithIntervalsIsRefusedWhenTheViewIsCreated() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        Map<String, String> refused = Map.of(
                "SELECT id FROM t WHERE b - a IN (INTERVAL '1 day', INTERVAL '2 days')", "IN",
                "SELECT EXTRACT(WEEK FROM b - a) AS w FROM t", "unit \"week\" not supported for type interval",
                "SELECT age(n, a) AS x FROM t", "function age(integer, timestamp without time zone) does not exist",
                "SELECT justify_days(n) AS x FROM t", "function justify_days(integer) does not exist",
                "SELECT CAST(b - a AS INTEGER) AS x FROM t", "cannot convert value of type INTERVAL");
        refused.forEach((sql, message) -> {
            DdlResult result = circuit.executeSql("CREATE VIEW r AS " + sql);
            assertInstanceOf(DdlResult.Rejected.class, result, sql);
            assertTrue(result.toString().contains(message), sql + " -> " + result);
        });
    }
}
