package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.io.IOException;
import java.math.BigDecimal;
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
 * Windows whose frames are bounded by values ({@code RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT ROW},
 * numeric offsets both ways, frames before or after the row, descending orders, NULLs) over partitions of hundreds of
 * rows, changed a few rows at a time: each change recomputes only the rows whose frames reach it, and after every
 * batch each view equals PostgreSQL's answer and the engine's own recomputation, also after a snapshot is restored.
 */
class RangeWindowNearbyTest {
    private static final String TABLE =
            "CREATE TABLE w (id INT PRIMARY KEY, g INT, n INT, ts TIMESTAMP, d DATE, x NUMERIC(6,2))";

    private static final List<String> VIEWS = List.of(
            "SELECT id, SUM(n) OVER (PARTITION BY g ORDER BY ts RANGE BETWEEN INTERVAL '1 hour' PRECEDING AND CURRENT"
                    + " ROW) AS hour_sum, COUNT(*) OVER (PARTITION BY g ORDER BY ts RANGE BETWEEN INTERVAL '1 hour'"
                    + " PRECEDING AND CURRENT ROW) AS hour_count FROM w",
            "SELECT id, COUNT(*) OVER (ORDER BY n RANGE BETWEEN 5 PRECEDING AND 3 FOLLOWING) AS around FROM w",
            "SELECT id, AVG(x) OVER (ORDER BY x DESC RANGE BETWEEN 1.5 PRECEDING AND 0.5 FOLLOWING) AS near_avg FROM w",
            "SELECT id, MAX(n) OVER (PARTITION BY g ORDER BY d RANGE BETWEEN INTERVAL '3 days' PRECEDING AND INTERVAL"
                    + " '1 day' PRECEDING) AS before_max FROM w",
            "SELECT id, MIN(id) OVER (ORDER BY ts DESC RANGE BETWEEN CURRENT ROW AND INTERVAL '2 hours' FOLLOWING) AS"
                    + " later_min, SUM(n) OVER (ORDER BY ts DESC RANGE BETWEEN INTERVAL '30 minutes' FOLLOWING AND"
                    + " INTERVAL '90 minutes' FOLLOWING) AS gap_sum FROM w");

    /**
     * Windows whose functions read no row unboundedly far after their own (ranks, running totals, LAG, LEAD, frames
     * ending a bounded way on): a change recomputes the rows from the first that reads it on, not those before.
     */
    private static final List<String> SUFFIX_VIEWS = List.of(
            "SELECT id, ROW_NUMBER() OVER (PARTITION BY g ORDER BY ts, id) AS rn, RANK() OVER (PARTITION BY g ORDER BY"
                    + " ts, id) AS r FROM w",
            "SELECT id, RANK() OVER (ORDER BY n) AS r, DENSE_RANK() OVER (ORDER BY n) AS dr FROM w",
            "SELECT id, SUM(n) OVER (ORDER BY id) AS total, COUNT(*) OVER (PARTITION BY g ORDER BY n) AS upto_peers"
                    + " FROM w",
            "SELECT id, AVG(x) OVER (ORDER BY ts, id ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING) AS avg_ahead,"
                    + " LEAD(n, 2) OVER (ORDER BY ts, id) AS lead2, LAG(n) OVER (ORDER BY ts, id) AS lag1 FROM w",
            "SELECT id, MAX(n) OVER (ORDER BY ts RANGE BETWEEN UNBOUNDED PRECEDING AND INTERVAL '1 hour' FOLLOWING) AS"
                    + " max_ahead, LAST_VALUE(id) OVER (ORDER BY id) AS last_id FROM w");

    @Test
    void rangeWindowsEqualPostgresWhenAFewRowsChange() throws SQLException, IOException {
        changeAFewRowsAtATime(VIEWS);
    }

    @Test
    void ranksAndRunningTotalsEqualPostgresWhenAFewRowsChange() throws SQLException, IOException {
        changeAFewRowsAtATime(SUFFIX_VIEWS);
    }

    private static void changeAFewRowsAtATime(List<String> views) throws SQLException, IOException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, views);
            SplittableRandom random = new SplittableRandom(23);
            Set<Integer> ids = new HashSet<>();
            for (int batch = 0; batch < 60; batch++) {
                List<Op> ops = new ArrayList<>();
                List<String> statements = new ArrayList<>();
                Set<Integer> touched = new HashSet<>();
                int changes = batch == 0 ? 600 : 1 + random.nextInt(3);
                for (int i = 0; i < changes; i++) {
                    int id = batch == 0 ? i : random.nextInt(700);
                    if (!touched.add(id)) continue;
                    statements.add("DELETE FROM w WHERE id = " + id);
                    if (ids.contains(id) && random.nextInt(3) == 0) {
                        ids.remove(id);
                        ops.add(Op.deleteKey("w", Map.of("id", id)));
                        continue;
                    }
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", id);
                    row.put("g", random.nextInt(3));
                    row.put("n", random.nextInt(20) == 0 ? null : random.nextInt(-50, 50));
                    row.put(
                            "ts",
                            random.nextInt(20) == 0
                                    ? null
                                    : LocalDateTime.of(2024, 2, 28, 0, 0).plusMinutes(random.nextInt(60 * 24 * 3)));
                    row.put(
                            "d",
                            random.nextInt(20) == 0
                                    ? null
                                    : LocalDate.of(2024, 2, 1).plusDays(random.nextInt(60)));
                    row.put("x", random.nextInt(20) == 0 ? null : BigDecimal.valueOf(random.nextInt(-2000, 2000), 2));
                    ops.add(ids.add(id) ? Op.insert("w", row) : Op.update("w", row));
                    statements.add("INSERT INTO w VALUES (" + id + ", " + row.get("g") + ", " + row.get("n") + ", "
                            + TestCircuits.literal(row.get("ts")) + ", " + TestCircuits.literal(row.get("d")) + ", "
                            + row.get("x") + ")");
                }
                assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops), "batch " + batch);
                for (String statement : statements) pg.execute(statement);
                pg.assertViewsEqual(circuit, views, "batch " + batch);
                if (batch == 30) circuit = TestCircuits.restored(circuit);
            }
        }
    }
}
