package io.shardview.circuit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.ReadOrder;
import io.shardview.circuit.data.Row;
import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The circuit engine tests' shared builder and views of results: a circuit from DDL, batches that must be
 * accepted (each view checked against a from-scratch evaluation), and a view's rows as text to compare.
 */
public final class TestCircuits {
    private TestCircuits() {}

    /** A row as column name, value pairs: {@code row("id", 1, "name", "ann")}. */
    public static Map<String, Object> row(Object... kv) {
        Map<String, Object> m = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) m.put((String) kv[i], kv[i + 1]);
        return m;
    }

    /** The circuit as a snapshot of it restores it. */
    public static Circuit restored(Circuit circuit) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        circuit.writeSnapshot(new java.io.DataOutputStream(bytes));
        return Circuit.readSnapshot(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
    }

    /** A value as a PostgreSQL literal in a test's INSERT: NULL, or quoted text (a timestamp with a blank for T). */
    public static String literal(Object v) {
        return v == null ? "NULL" : "'" + v.toString().replace('T', ' ') + "'";
    }

    public static Circuit circuit(String ddl) {
        Circuit c = new Circuit();
        DdlResult r = c.executeSql(ddl);
        assertInstanceOf(DdlResult.Applied.class, r, r.toString());
        return c;
    }

    /** Applies a batch that must be accepted, then checks each view's incremental content against a from-scratch one. */
    public static void applyAndCheck(Circuit c, List<String> views, Op... ops) {
        BatchOutcome o = c.applyBatch(List.of(ops));
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
        for (String view : views)
            assertEquals(c.recompute(view), c.content(view), view + ": incremental vs from scratch");
    }

    public static List<Row> rows(Circuit c, String name) {
        return c.read(name, Integer.MAX_VALUE, null).orElseThrow().rows();
    }

    /** Each view's rows sorted, values joined by ':', NULL as '-', rows by ' ', views by " | ". */
    public static String shown(Circuit c, List<String> views) {
        List<String> out = new java.util.ArrayList<>();
        for (String view : views) {
            out.add(rows(c, view).stream()
                    .map(r -> java.util.Arrays.stream(r.toArray())
                            .map(v -> v == null ? "-" : v.toString())
                            .collect(java.util.stream.Collectors.joining(":")))
                    .sorted()
                    .collect(java.util.stream.Collectors.joining(" ")));
        }
        return String.join(" | ", out);
    }

    /** Deletes the row of {@code table} whose key column {@code keyColumn} is {@code key}; the batch must be accepted. */
    public static void deleteKey(Circuit c, String table, String keyColumn, Object key) {
        BatchOutcome o = c.applyBatch(List.of(Op.deleteKey(table, row(keyColumn, key))));
        assertInstanceOf(BatchOutcome.Accepted.class, o, o.toString());
    }

    /**
     * Each row of a view as its values in brackets (blanks visible, numerics as BigDecimal.toPlainString), in read
     * order, after checking the view's content and hash against a from-scratch evaluation.
     */
    public static String bracketed(Circuit c, String view) {
        assertEquals(c.recompute(view), c.content(view), view + ": incremental vs from scratch");
        assertEquals(
                ReadOrder.hash(c.recompute(view)),
                c.read(view, 10, null).orElseThrow().hash(),
                view + ": hash");
        StringBuilder out = new StringBuilder();
        for (Row r : rows(c, view)) {
            for (Object v : r.toArray()) {
                out.append('[')
                        .append(v instanceof BigDecimal d ? d.toPlainString() : v)
                        .append(']');
            }
            out.append(' ');
        }
        return out.toString().trim();
    }

    /** A batch's outcome as text: version and, per changed view, rows gained, lost and the hash after; else the refusal. */
    public static String summary(BatchOutcome o) {
        if (!(o instanceof BatchOutcome.Accepted a)) return o.toString(); // rejected, or failed evaluating a view
        StringBuilder sb = new StringBuilder("v" + a.version());
        a.views().forEach((name, d) -> sb.append(' ')
                .append(name)
                .append(" +")
                .append(d.insertedCount())
                .append(" -")
                .append(d.deletedCount())
                .append(' ')
                .append(d.hashAfter()));
        return sb.toString();
    }
}
