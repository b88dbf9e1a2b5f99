package io.shardview.bench.circuit;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.batch.Op;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;

/**
 * Thread CPU time of a one-row change to the table a view's subquery reads, with the outer table t at
 * 100,000 rows (BenchData): what a view with [NOT] IN in its select list or under OR costs when only the
 * subquery's side changes: a row the outer rows do not match comes and goes. Arguments: shape (in-select, notin-select, in-or, exists-select, in-where,
 * in-select-computed, notin-select-computed, in-or-computed, in-select-may-fail, in-select-range, notin-select-range,
 * in-select-range-computed, in-select-range-string, in-select-range-char, in-select-range-date, rowin-select,
 * rownotin-select, rowin-or)
 * changes rounds; round 0 is warm-up and not printed.
 */
public final class SubqueryChangeCpuTime {
    private SubqueryChangeCpuTime() {}

    static String viewSql(String shape) {
        switch (shape) {
            case "in-select":
                return "SELECT id, k IN (SELECT k FROM dim WHERE name <> 'none') AS f FROM t";
            case "notin-select":
                return "SELECT id, k NOT IN (SELECT k FROM dim WHERE name <> 'none') AS f FROM t";
            case "in-or":
                return "SELECT id FROM t WHERE k IN (SELECT k FROM dim WHERE name <> 'none') OR d < 1";
            case "exists-select":
                return "SELECT id, EXISTS (SELECT 1 FROM dim WHERE dim.k = t.k AND name <> 'none') AS f FROM t";
            case "in-where":
                return "SELECT id FROM t WHERE k IN (SELECT k FROM dim WHERE name <> 'none')";
                // Correlated through '=' of a computed value: a mark when that value cannot fail (NUMERIC - 1),
                // Calcite's
                // rewrite when it may (BIGINT - 1 overflows at the type's minimum), whose join is then a ComputedJoin.
            case "in-select-computed":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.k = CAST(t.k AS NUMERIC) - 1) AS f FROM t";
            case "notin-select-computed":
                return "SELECT id, s NOT IN (SELECT name FROM dim WHERE dim.k = CAST(t.k AS NUMERIC) - 1) AS f FROM t";
            case "in-or-computed":
                return "SELECT id FROM t WHERE s IN (SELECT name FROM dim WHERE dim.k = CAST(t.k AS NUMERIC) - 1) OR d < 1";
            case "in-select-may-fail":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.k = t.k - 1) AS f FROM t";
            case "notin-select-may-fail":
                return "SELECT id, s NOT IN (SELECT name FROM dim WHERE dim.k = t.k - 1) AS f FROM t";
            case "exists-or-may-fail":
                return "SELECT id FROM t WHERE EXISTS (SELECT 1 FROM dim WHERE dim.k = t.k - 1 AND name <> 'none') OR d < 1";
            case "count-select-may-fail":
                return "SELECT id, (SELECT COUNT(*) FROM dim WHERE dim.k = t.k - 1) AS c FROM t";
                // Correlated by a comparison (Calcite's rewrite: dim joined with t's distinct k on dim.k < t.k).
            case "in-select-range":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.k < t.k) AS f FROM t";
            case "notin-select-range":
                return "SELECT id, s NOT IN (SELECT name FROM dim WHERE dim.k < t.k) AS f FROM t";
                // ... of a computed value (BIGINT - 1000 may overflow) and of strings: the range join orders by the
                // value.
            case "in-select-range-computed":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.k < t.k - 1000) AS f FROM t";
            case "in-select-range-string":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.name > 'name-' || CAST(t.k AS VARCHAR)) AS f FROM t";
                // ... of a VARCHAR with a CHAR(12) (compared as bpchar), and of a timestamp with a date (the date at
                // midnight).
            case "in-select-range-char":
                return "SELECT id, s IN (SELECT name FROM dim WHERE dim.name > CAST('name-' || CAST(t.k AS VARCHAR) AS CHAR(12))) AS f FROM t";
            case "in-select-range-date":
                return "SELECT id, s IN (SELECT name FROM dim WHERE CAST(CAST(2000 + dim.k AS VARCHAR) || '-06-01 12:00:00' AS TIMESTAMP)"
                        + " < CAST(CAST(2000 + t.k AS VARCHAR) || '-01-01' AS DATE)) AS f FROM t";
                // Compared with an uncorrelated scalar subquery (a RangeSemiJoin: only the rows between the old and new
                // AVG).
            case "scalar-where":
                return "SELECT id FROM t WHERE k > (SELECT AVG(k) FROM dim WHERE name <> 'none')";
                // Several columns (an InMark: counts per NULL pattern and compared columns).
            case "rowin-select":
                return "SELECT id, (k, s) IN (SELECT k, name FROM dim WHERE name <> 'none') AS f FROM t";
            case "rownotin-select":
                return "SELECT id, (k, s) NOT IN (SELECT k, name FROM dim WHERE name <> 'none') AS f FROM t";
            case "rowin-or":
                return "SELECT id FROM t WHERE (k, s) IN (SELECT k, name FROM dim WHERE name <> 'none') OR d < 1";
            default:
                throw new IllegalArgumentException("unknown shape " + shape);
        }
    }

    public static void main(String[] a) {
        String shape = a[0];
        int changes = Integer.parseInt(a[1]);
        int rounds = Integer.parseInt(a[2]);
        Circuit circuit = BenchData.circuit();
        BenchData.load(circuit, 100_000);
        BenchData.ok(circuit.executeSql("CREATE VIEW v0 AS " + viewSql(shape)));
        var mx = ManagementFactory.getThreadMXBean();
        StringBuilder sb = new StringBuilder();
        long step = 0;
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int i = 0; i < changes; i++, step++) {
                // adds a dimension row no row of t refers to, then removes it: the subquery's row count
                // changes every time, the answer for t's rows never
                long k = BenchData.KEYS + step / 2;
                Op op = step % 2 == 0
                        ? Op.insert("dim", Map.of("k", k, "name", "extra"))
                        : Op.deleteKey("dim", Map.of("k", k));
                BenchData.accept(circuit.applyBatch(List.of(op)));
            }
            double usPerChange = (mx.getCurrentThreadCpuTime() - c0) / 1e3 / changes;
            if (r > 0) sb.append(String.format(" %.1f", usPerChange));
        }
        System.out.println(shape + " us-cpu/change of the subquery's table:" + sb);
    }
}
