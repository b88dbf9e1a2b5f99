package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
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
 * Views over EXTRACT, date_part, date_trunc, date arithmetic and intervals, maintained incrementally: random batches
 * of inserts, updates and deletes of dates around month ends and leap days and timestamps with microseconds (NULLs
 * too); after every batch each view equals PostgreSQL's answer for the same query over the same rows, and the
 * engine's own recomputation, also after a snapshot is restored.
 */
class DateTimeViewTest {
    private static final String TABLE = "CREATE TABLE t (id INT PRIMARY KEY, dt DATE, ts TIMESTAMP, n INT)";

    private static final List<String> VIEWS = List.of(
            "SELECT id, date_trunc('hour', ts) AS h, EXTRACT(DOW FROM dt) AS d FROM t WHERE ts > dt + INTERVAL '1 day'",
            "SELECT date_trunc('month', ts) AS m, COUNT(*) AS c, MAX(dt - CAST(ts AS DATE)) AS gap FROM t"
                    + " GROUP BY date_trunc('month', ts)",
            "SELECT EXTRACT(YEAR FROM dt) AS y, EXTRACT(MONTH FROM dt) AS mo, SUM(EXTRACT(EPOCH FROM ts)) AS e,"
                    + " MIN(EXTRACT(SECOND FROM ts)) AS s FROM t GROUP BY EXTRACT(YEAR FROM dt), EXTRACT(MONTH FROM dt)",
            "SELECT id, dt + n AS due, ts + INTERVAL '1 mon' AS later, dt - INTERVAL '1 mon 2 hours' AS earlier"
                    + " FROM t WHERE dt - 30 < CAST(ts AS DATE)",
            "SELECT date_part('hour', ts) AS h, COUNT(*) AS c FROM t GROUP BY date_part('hour', ts)",
            "SELECT a.id, b.id AS other FROM t a JOIN t b ON b.ts >= a.ts AND b.ts < a.ts + INTERVAL '7 days'"
                    + " WHERE a.id <> b.id",
            "SELECT id FROM t WHERE date_trunc('week', ts) = CAST(dt AS TIMESTAMP) - INTERVAL '0 days'"
                    + " OR EXTRACT(ISODOW FROM dt) = 7",
            "SELECT date_bin('15 minutes', ts, TIMESTAMP '2001-01-01') AS q, COUNT(*) AS c FROM t"
                    + " GROUP BY date_bin('15 minutes', ts, TIMESTAMP '2001-01-01')",
            "SELECT id, date_bin(INTERVAL '1 day 7 hours', ts, '2030-06-01 12:30') AS b, date_bin('1 week', dt,"
                    + " TIMESTAMP '2000-01-03') AS w, date_bin('90 seconds', ts, CAST(dt AS TIMESTAMP)) AS s FROM t",
            // Windows of time: RANGE frames whose offsets are intervals, over a timestamp and a date, both ways.
            "SELECT id, COUNT(*) OVER (ORDER BY ts RANGE BETWEEN INTERVAL '5 days' PRECEDING AND CURRENT ROW) AS recent,"
                    + " SUM(n) OVER (ORDER BY ts DESC RANGE BETWEEN INTERVAL '36 hours' PRECEDING AND INTERVAL '1 mon'"
                    + " FOLLOWING) AS around FROM t",
            "SELECT id, COUNT(n) OVER (PARTITION BY n % 2 ORDER BY dt RANGE BETWEEN INTERVAL '7' DAY PRECEDING AND"
                    + " INTERVAL '2' DAY FOLLOWING) AS near, MAX(ts) OVER (ORDER BY dt DESC NULLS LAST RANGE"
                    + " INTERVAL '10 days' PRECEDING) AS latest FROM t",
            // generate_series over constants: a calendar to join rows onto, buckets, a series down, months added in
            // turn.
            "SELECT g.h, COUNT(t.id) AS c FROM generate_series(TIMESTAMP '2024-01-25 00:00', TIMESTAMP '2024-03-05"
                    + " 00:00', INTERVAL '1 day') AS g(h) LEFT JOIN t ON CAST(t.ts AS DATE) = CAST(g.h AS DATE) GROUP BY"
                    + " g.h",
            "SELECT x, COUNT(t.id) AS c, SUM(t.n) AS s FROM generate_series(-40, 40, 5) AS x LEFT JOIN t ON t.n >= x"
                    + " AND t.n < x + 5 GROUP BY x",
            "SELECT generate_series AS k, t.id FROM generate_series(3, 1, -1) JOIN t ON t.id = generate_series",
            "SELECT m, (SELECT COUNT(*) FROM t WHERE t.ts < s.m) AS before_m FROM generate_series(TIMESTAMP"
                    + " '2024-01-31 10:00', TIMESTAMP '2024-06-30', '1 mon') AS s(m)");

    @Test
    void dateTimeViewsEqualPostgresAfterEveryBatch() throws SQLException, java.io.IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(11);
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
                    LocalDate dt = random.nextInt(8) == 0
                            ? null
                            : LocalDate.of(2024, 1, 20).plusDays(random.nextInt(50));
                    LocalDateTime ts = random.nextInt(8) == 0
                            ? null
                            : LocalDateTime.of(2024, 1, 25, 0, 0)
                                    .plusMinutes(random.nextInt(60 * 24 * 40))
                                    .plusNanos(random.nextInt(3) * 999_999_000L);
                    Integer n = random.nextInt(5) == 0 ? null : random.nextInt(-40, 40);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("dt", dt);
                    row.put("ts", ts);
                    row.put("n", n);
                    ops.add(ids.add(id) ? Op.insert("t", row) : Op.update("t", row));
                    statements.add("INSERT INTO t VALUES (" + id + ", " + TestCircuits.literal(dt) + ", "
                            + TestCircuits.literal(ts) + ", " + n + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, VIEWS, "batch " + batch);
                if (batch == 20) circuit = TestCircuits.restored(circuit);
            }
        }
    }

    @Test
    void dateBinAndGenerateSeriesRefuseWhatPostgresRefuses() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        java.util.Map<String, String> refused = java.util.Map.of(
                "date_bin('1 month', ts, TIMESTAMP '2001-01-01')",
                "timestamps cannot be binned into intervals containing months or years",
                "date_bin('0 seconds', ts, TIMESTAMP '2001-01-01')",
                "stride must be greater than zero",
                "date_bin(INTERVAL '1 day' * n, ts, TIMESTAMP '2001-01-01')",
                "not an interval constant",
                "date_bin('1 hour', n, TIMESTAMP '2001-01-01')",
                "date_bin(interval, integer, timestamp without time zone) does not exist");
        java.util.Map.of(
                        "SELECT * FROM generate_series(1, 10, 0)",
                        "step size cannot equal zero",
                        "SELECT * FROM generate_series(1, 100000)",
                        "more than 10000 rows",
                        "SELECT * FROM generate_series(1.5, 3)",
                        "other than integer constants",
                        "SELECT x FROM generate_series(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02', '0 days') x",
                        "step size cannot equal zero")
                .forEach((sql, message) -> {
                    DdlResult result = circuit.executeSql("CREATE VIEW g AS " + sql);
                    org.junit.jupiter.api.Assertions.assertInstanceOf(DdlResult.Rejected.class, result, sql);
                    org.junit.jupiter.api.Assertions.assertTrue(
                            result.toString().contains(message), result.toString());
                });
        refused.forEach((call, message) -> {
            DdlResult result = circuit.executeSql("CREATE VIEW b AS SELECT " + call + " AS b FROM t");
            org.junit.jupiter.api.Assertions.assertInstanceOf(DdlResult.Rejected.class, result, call);
            org.junit.jupiter.api.Assertions.assertTrue(result.toString().contains(message), result.toString());
        });
    }
}
