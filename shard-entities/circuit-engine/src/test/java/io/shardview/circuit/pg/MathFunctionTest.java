package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * sqrt, ln, log, exp, power and trunc, maintained in views over random rows and compared with PostgreSQL after each
 * of several batches of inserts, updates and deletes: the same type (format_type), a numeric's exact digits (the
 * result scale PostgreSQL chooses from the arguments' scales and the result's magnitude), a double within two units
 * in the last place (the C library's ln, exp and pow may differ from Java's in the last bit). An argument a function
 * cannot take (a negative square root) fails the batch, as PostgreSQL fails the statement.
 */
class MathFunctionTest {
    private static final String TABLE = "CREATE TABLE m (id INT PRIMARY KEY, p NUMERIC, q NUMERIC, e NUMERIC,"
            + " d DOUBLE PRECISION, f DOUBLE PRECISION, i INT, r REAL)";

    /** p, q positive numerics; e a small exponent; d positive, f small doubles; i a small integer. */
    private static final List<String> EXPRESSIONS = List.of(
            "sqrt(p)",
            "sqrt(q)",
            "sqrt(d)",
            "sqrt(i)",
            "sqrt(r)",
            "ln(p)",
            "ln(q)",
            "ln(d)",
            "log(p)",
            "log(d)",
            "log(q, p)",
            "log(i + 1, p)",
            "log(2, i + 1)",
            "exp(e)",
            "exp(f)",
            "exp(i)",
            "power(p, e)",
            "power(q, i)",
            "power(p, 2)",
            "power(e, 3)",
            "power(-q, 3)",
            "power(q, -i)",
            "power(p, 0.5)",
            "pow(d, f)",
            "power(i, 2)",
            "power(p, f)",
            "power(r, e / 40)",
            "power(q, 1.5000)",
            "trunc(p)",
            "trunc(d)",
            "trunc(e, 2)",
            "trunc(q, -1)",
            "trunc(i, 1)",
            "sqrt(2.0)",
            "ln(p) + log(q) * exp(1.0)");

    @Test
    void viewsOfMathFunctionsEqualPostgresAfterEveryBatch() throws SQLException {
        Random random = new Random(Long.getLong("shardview.mathSeed", 20261124));
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            Circuit circuit = TestCircuits.circuit(TABLE);
            List<String> views = new ArrayList<>();
            for (int v = 0; v < EXPRESSIONS.size(); v++) {
                String name = "v" + v;
                String sql = "SELECT id, " + EXPRESSIONS.get(v) + " AS y FROM m";
                assertInstanceOf(
                        DdlResult.Applied.class,
                        circuit.executeSql("CREATE VIEW " + name + " AS " + sql),
                        EXPRESSIONS.get(v));
                pg.execute("CREATE VIEW " + name + " AS " + sql);
                assertEquals(
                        pg.columnTypes(name).get(1),
                        PostgresMirror.formatType(
                                circuit.columns(name).orElseThrow().get(1)),
                        "type of " + EXPRESSIONS.get(v));
                views.add(name);
            }
            Map<Integer, Map<String, Object>> rows = new TreeMap<>();
            int compared = 0;
            for (int batch = 0; batch < 8; batch++) {
                List<Op> ops = new ArrayList<>();
                for (int k = 0; k < 25; k++) {
                    int id = random.nextInt(60);
                    if (rows.containsKey(id) && random.nextInt(4) == 0) {
                        rows.remove(id);
                        ops.add(Op.deleteKey("m", Map.of("id", id)));
                        pg.execute("DELETE FROM m WHERE id = " + id);
                        continue;
                    }
                    Map<String, Object> row = randomRow(random, id);
                    boolean update = rows.containsKey(id);
                    rows.put(id, row);
                    ops.add(update ? Op.update("m", row) : Op.insert("m", row));
                    if (update) pg.execute("DELETE FROM m WHERE id = " + id);
                    pg.execute("INSERT INTO m VALUES (" + id + ", " + row.get("p") + ", " + row.get("q") + ", "
                            + row.get("e") + ", " + sqlDouble(row.get("d")) + ", " + sqlDouble(row.get("f")) + ", "
                            + row.get("i") + ", " + sqlReal(row.get("r")) + ")");
                }
                BatchOutcome outcome = circuit.applyBatch(ops);
                assertInstanceOf(BatchOutcome.Accepted.class, outcome, "batch " + batch + ": " + outcome);
                for (int v = 0; v < views.size(); v++)
                    compared += assertViewEquals(pg, circuit, views.get(v), EXPRESSIONS.get(v));
            }
            System.out.println("MathFunctionTest: " + compared + " values compared with PostgreSQL");
        }
    }

    /** Results at the ends of the ranges: overflow to an error, underflow to zeros of PostgreSQL's scale. */
    private static final List<String> EDGES = List.of(
            "exp(-5999.5)",
            "exp(5000.0)",
            "exp(0.5e-20)",
            "exp(-10.0)",
            "power(2.0, 8000.5)",
            "power(0.5, 20000.5)",
            "power(0.9999, 1e10)",
            "power(0.5, 100000)",
            "power(10, -20.0)",
            "power(3.00000000000000000000, -1)",
            "power(2.0, 3.00000000000000000000)",
            "power(0.0, 0.5)",
            "power(0.0, 0)",
            "power(-2.0, 1e3)",
            "power(4.0, -0.5)",
            "sqrt(1e-100)",
            "sqrt(0.0)",
            "ln(1e100)",
            "ln(1.0)",
            "log(1e100)",
            "log(0.0001, 1000000)",
            "trunc(1234.5678, -2)",
            "trunc(CAST(-0.5 AS DOUBLE PRECISION))",
            "exp(CAST(-740 AS DOUBLE PRECISION))",
            "power(CAST(10 AS DOUBLE PRECISION), -310)",
            "sqrt(CAST(1e300 AS DOUBLE PRECISION))");

    @Test
    void edgeValuesEqualPostgres() throws SQLException {
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute("CREATE TABLE unit (id INT PRIMARY KEY)");
            pg.execute("INSERT INTO unit VALUES (1)");
            Circuit circuit = TestCircuits.circuit("CREATE TABLE unit (id INT PRIMARY KEY)");
            assertInstanceOf(
                    BatchOutcome.Accepted.class, circuit.applyBatch(List.of(Op.insert("unit", Map.of("id", 1)))));
            for (int v = 0; v < EDGES.size(); v++) {
                String sql = "SELECT id, " + EDGES.get(v) + " AS y FROM unit";
                pg.execute("CREATE VIEW e" + v + " AS " + sql);
                DdlResult created = circuit.executeSql("CREATE VIEW e" + v + " AS " + sql);
                assertInstanceOf(DdlResult.Applied.class, created, EDGES.get(v) + ": " + created);
                assertViewEquals(pg, circuit, "e" + v, EDGES.get(v));
            }
            for (String overflow : List.of(
                    "exp(6000.0)", "power(1.0001, 1e10)", "power(-2.0, 1e10)", "exp(CAST(710 AS DOUBLE PRECISION))")) {
                DdlResult r = circuit.executeSql("CREATE VIEW o AS SELECT " + overflow + " AS y FROM unit");
                assertInstanceOf(DdlResult.Rejected.class, r, overflow);
                assertTrue(r.toString().contains("overflow"), r::toString);
            }
        }
    }

    @Test
    void anArgumentTheFunctionCannotTakeFailsTheBatch() {
        Circuit circuit = TestCircuits.circuit(TABLE);
        assertInstanceOf(
                DdlResult.Applied.class, circuit.executeSql("CREATE VIEW s AS SELECT id, sqrt(p) AS y FROM m"));
        assertInstanceOf(DdlResult.Applied.class, circuit.executeSql("CREATE VIEW l AS SELECT id, log(d) AS y FROM m"));
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : List.of("id", "p", "q", "e", "d", "f", "i", "r")) row.put(column, null);
        row.putAll(Map.of("id", 1, "p", new BigDecimal("-4.0"), "d", 2.0));
        BatchOutcome negative = circuit.applyBatch(List.of(Op.insert("m", row)));
        assertInstanceOf(BatchOutcome.Failed.class, negative);
        assertTrue(negative.toString().contains("cannot take square root of a negative number"), negative::toString);
        row.put("p", new BigDecimal("4.0"));
        row.put("d", 0.0);
        BatchOutcome zero = circuit.applyBatch(List.of(Op.insert("m", row)));
        assertTrue(zero.toString().contains("cannot take logarithm of zero"), zero::toString);
        assertEquals(0, circuit.content("s").size(), "a failed batch changes nothing");
        row.put("d", 100.0);
        assertInstanceOf(BatchOutcome.Accepted.class, circuit.applyBatch(List.of(Op.insert("m", row))));
        assertEquals(List.of("(1, 2.000000000000000, )"), PostgresMirror.canonical(circuit.content("s")));
        assertEquals(List.of("(1, 2, )"), PostgresMirror.canonical(circuit.content("l")));
    }

    @Test
    void aStringHasNoSuchFunction() {
        Circuit circuit = TestCircuits.circuit("CREATE TABLE t (id INT PRIMARY KEY, v VARCHAR, d DOUBLE PRECISION)");
        DdlResult sqrt = circuit.executeSql("CREATE VIEW w AS SELECT sqrt(v) AS y FROM t");
        assertTrue(sqrt.toString().contains("function sqrt(character varying) does not exist"), sqrt::toString);
        DdlResult log = circuit.executeSql("CREATE VIEW w AS SELECT log(d, d) AS y FROM t");
        assertTrue(
                log.toString().contains("function log(double precision, double precision) does not exist"),
                log::toString);
    }

    /** Compares one view's values, row by row, with PostgreSQL's; the number of values compared. */
    private static int assertViewEquals(PostgresMirror pg, Circuit circuit, String view, String expression)
            throws SQLException {
        Map<Integer, String> expected = new TreeMap<>();
        for (List<Object> row : pg.orderedRows("SELECT id, y::text FROM " + view + " ORDER BY id"))
            expected.put(((Number) row.get(0)).intValue(), (String) row.get(1));
        Map<Integer, Object> actual = new TreeMap<>();
        circuit.content(view).forEach((row, w) -> {
            Object[] values = row.toArray();
            actual.put(((Number) values[0]).intValue(), values[1]);
        });
        assertEquals(expected.keySet(), actual.keySet(), view);
        for (Map.Entry<Integer, String> e : expected.entrySet()) {
            String what = expression + " at id " + e.getKey();
            Object value = actual.get(e.getKey());
            if (e.getValue() == null || value == null) {
                assertEquals(e.getValue(), value, what);
            } else if (value instanceof BigDecimal d) {
                assertEquals(e.getValue(), d.toPlainString(), what);
            } else {
                double pgValue = Double.parseDouble(e.getValue());
                double ours = (Double) value;
                assertTrue(
                        pgValue == ours || Math.abs(pgValue - ours) <= 2 * Math.ulp(pgValue),
                        what + ": PostgreSQL " + e.getValue() + ", engine " + ours);
            }
        }
        return expected.size();
    }

    /** A row of arguments every expression takes: positive p, q (not 1), small e, f, i, of varied scales. */
    private static Map<String, Object> randomRow(Random random, int id) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("p", positive(random));
        BigDecimal q = positive(random);
        if (q.compareTo(BigDecimal.ONE) == 0) q = new BigDecimal("1.5");
        row.put("q", q);
        row.put(
                "e",
                BigDecimal.valueOf(random.nextInt(4001) - 2000, random.nextInt(4))
                        .divide(BigDecimal.TEN.pow(1)));
        row.put("d", random.nextBoolean() ? Math.exp(random.nextGaussian() * 10) : (double) (1 + random.nextInt(1000)));
        row.put("f", random.nextInt(5) == 0 ? (double) random.nextInt(7) : random.nextGaussian() * 5);
        row.put("i", 1 + random.nextInt(12));
        row.put("r", random.nextInt(4) == 0 ? null : (float) ((1 + random.nextInt(100000)) / 100.0));
        if (random.nextInt(10) == 0) row.put("p", null);
        return row;
    }

    /** Positive numerics from 1e-8 to 1e12 with 0 to 8 digits after the point, some near 1, some round. */
    private static BigDecimal positive(Random random) {
        switch (random.nextInt(6)) {
            case 0:
                return BigDecimal.ONE.add(BigDecimal.valueOf(random.nextInt(2000) - 1000, 4 + random.nextInt(4)));
            case 1:
                return BigDecimal.valueOf(1 + random.nextInt(100)).setScale(random.nextInt(3));
            default:
                long unscaled = 1 + (long) (random.nextDouble() * Math.pow(10, 1 + random.nextInt(12)));
                return BigDecimal.valueOf(unscaled, random.nextInt(9));
        }
    }

    private static String sqlDouble(Object d) {
        return d == null ? "NULL" : "'" + d + "'::float8";
    }

    private static String sqlReal(Object r) {
        return r == null ? "NULL" : "'" + r + "'::float4";
    }
}
