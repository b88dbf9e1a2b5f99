package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Interval arithmetic over random intervals of mixed signs (months, days and microseconds each negative, zero or
 * positive, some large), random factors (integers, fractions, thirds, negatives), random timestamps: every operation,
 * field and justification equals PostgreSQL's, in value and in text, row by row.
 */
class IntervalArithmeticTest {
    private static final String TABLE =
            "CREATE TABLE i (id INT PRIMARY KEY, a INTERVAL, b INTERVAL, f DOUBLE PRECISION, t TIMESTAMP, u TIMESTAMP)";

    private static final List<String> VIEWS = List.of(
            "SELECT id, a + b AS s, a - b AS d, -a AS n, a * f AS m, a / f AS q, f * b AS mb FROM i WHERE f <> 0",
            "SELECT id, a < b AS lt, a = b AS eq, a >= b AS ge, GREATEST(a, b) AS g, LEAST(a, b) AS l FROM i",
            "SELECT id, justify_days(a) AS jd, justify_hours(a) AS jh, justify_interval(a) AS ji, justify_interval(b)"
                    + " AS jib FROM i",
            "SELECT id, EXTRACT(EPOCH FROM a) AS e, EXTRACT(YEAR FROM a) AS y, EXTRACT(MONTH FROM a) AS mo,"
                    + " EXTRACT(DAY FROM a) AS dd, EXTRACT(HOUR FROM a) AS h, EXTRACT(MINUTE FROM a) AS mi,"
                    + " EXTRACT(SECOND FROM a) AS s, EXTRACT(MILLISECOND FROM a) AS ms, EXTRACT(MICROSECOND FROM a) AS us,"
                    + " EXTRACT(QUARTER FROM a) AS qu, EXTRACT(DECADE FROM a) AS de, EXTRACT(CENTURY FROM a) AS ce FROM i",
            "SELECT id, date_part('epoch', a) AS e, date_part('second', a) AS s, date_part('hour', b) AS h,"
                    + " date_part('millisecond', b) AS ms FROM i",
            "SELECT id, t - u AS tu, u - t AS ut, t + a AS ta, u - b AS ub, age(t, u) AS ag, age(u, t) AS ga FROM i",
            "SELECT id, CAST(a AS VARCHAR) AS txt, a * 0.5 AS half, a / 3 AS third, a * 1.1 AS more FROM i");

    @Test
    void intervalArithmeticEqualsPostgresRowByRow() throws SQLException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            PostgresMirror.createViews(circuit, VIEWS);
            SplittableRandom random = new SplittableRandom(41);
            List<Op> ops = new ArrayList<>();
            List<String> statements = new ArrayList<>();
            for (int id = 0; id < 400; id++) {
                String a = interval(random);
                String b = interval(random);
                double f = factor(random);
                String t = timestamp(random);
                String u = timestamp(random);
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("id", id);
                row.put("a", a);
                row.put("b", b);
                row.put("f", f);
                row.put("t", t);
                row.put("u", u);
                ops.add(Op.insert("i", row));
                statements.add("INSERT INTO i VALUES (" + id + ", '" + a + "', '" + b + "', " + f + ", '" + t + "', '"
                        + u + "')");
            }
            assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(ops));
            for (String statement : statements) pg.execute(statement);
            pg.assertViewsEqual(circuit, VIEWS, "400 rows");
        }
    }

    /** An interval with each part negative, zero or positive, now and then large. */
    private static String interval(SplittableRandom r) {
        int months = part(r, 30, 3000);
        int days = part(r, 45, 5000);
        long micros =
                switch (r.nextInt(4)) {
                    case 0 -> 0;
                    case 1 -> r.nextLong(-86_400_000_000L * 3, 86_400_000_000L * 3);
                    case 2 -> r.nextLong(-1_000_000_000L, 1_000_000_000L);
                    default -> r.nextLong(-3_600_000_000L * 10_000, 3_600_000_000L * 10_000);
                };
        String sign = micros < 0 ? "-" : "+";
        long abs = Math.abs(micros);
        return months + " mons " + days + " days " + sign + (abs / 3_600_000_000L) + ":" + (abs / 60_000_000 % 60) + ":"
                + (abs / 1_000_000 % 60) + "." + String.format("%06d", abs % 1_000_000);
    }

    private static int part(SplittableRandom r, int small, int large) {
        return switch (r.nextInt(5)) {
            case 0 -> 0;
            case 1 -> r.nextInt(-large, large);
            default -> r.nextInt(-small, small);
        };
    }

    private static double factor(SplittableRandom r) {
        return switch (r.nextInt(5)) {
            case 0 -> r.nextInt(-5, 6);
            case 1 -> 1.0 / 3;
            case 2 -> -2.5;
            case 3 -> Math.round(r.nextDouble(-4, 4) * 1000) / 1000.0;
            default -> r.nextDouble(-10, 10);
        };
    }

    private static String timestamp(SplittableRandom r) {
        return java.time.LocalDateTime.of(2024, 1, 1, 0, 0)
                .plusMinutes(r.nextInt(60 * 24 * 500))
                .plusNanos(r.nextInt(1_000_000) * 1000L)
                .toString()
                .replace('T', ' ');
    }
}
