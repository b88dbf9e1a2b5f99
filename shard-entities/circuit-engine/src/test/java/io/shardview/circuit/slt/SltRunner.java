package io.shardview.circuit.slt;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.pg.FixedChar;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Runs a sqllogictest script as views of one circuit: its CREATE TABLEs, its rows dealt into three ingest batches,
 * every query of the script (up to a limit) created as a view after the second batch, then the last batch, and
 * each view's rows compared with the script's expected result (formatted, sorted and hashed as sqllogictest does).
 * A query the engine refuses at CREATE counts as refused, by the first words of the reason; a view whose evaluation
 * fails a batch (a division by zero, where SQLite answers NULL) is dropped and counted as failing, and the batch
 * applied again without it. A script is run up to its first statement after a query that changes data (the
 * select and random/ files have none); CREATE INDEX is left out wherever it is (it changes no result).
 */
final class SltRunner {
    /** What a script gave. */
    static final class Result {
        final String script;
        int queries;
        int right;
        final List<String> wrong = new ArrayList<>();
        final Map<String, Integer> refused = new TreeMap<>();
        final Map<String, Integer> failed = new TreeMap<>();
        /** A query for each reason of refusal or failure, the first seen. */
        final Map<String, String> examples = new TreeMap<>();
        /** Of the refused and failed, those PostgreSQL refuses or fails too (they do not count against the engine). */
        int refusedByPostgres;

        int failedInPostgres;
        /**
         * Of the right, those whose result differs from SQLite's, as PostgreSQL's does (integer and numeric division,
         * a NULLIF of numbers of two types): the engine answers as PostgreSQL, whose semantics it has.
         */
        int differAsPostgres;

        String notRun;
        long maxBatchMillis;
        /** The script's whole run: tables, batches, views and the comparisons. */
        long millis;

        Result(String script) {
            this.script = script;
        }

        int refusedCount() {
            return refused.values().stream().mapToInt(Integer::intValue).sum();
        }

        int failedCount() {
            return failed.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    /** PostgreSQL holding the script's tables and rows, to tell the engine's refusals from PostgreSQL's own. */
    interface Postgres {
        /** Runs a statement of the script's setup. */
        void setup(String sql);

        /** Whether PostgreSQL runs the query to its end over the script's rows (a refusal of its own if not). */
        boolean runs(String query);

        /** The query's rows in PostgreSQL, in its order; null if it fails. */
        List<List<Object>> rows(String query);
    }

    private SltRunner() {}

    static Result run(SltScript script, Circuit circuit, int maxQueries) {
        return run(script, circuit, maxQueries, null);
    }

    static Result run(SltScript script, Circuit circuit, int maxQueries, Postgres postgres) {
        Result result = new Result(script.name());
        List<String> ddl = new ArrayList<>();
        List<Op> rows = new ArrayList<>();
        List<SltScript.Query> queries = new ArrayList<>();
        Map<String, List<String>> tableColumns = new LinkedHashMap<>();
        for (SltScript.Record r : script.records()) {
            if (r instanceof SltScript.Query q) {
                if (queries.size() < maxQueries) queries.add(q);
                continue;
            }
            SltScript.Statement s = (SltScript.Statement) r;
            String sql = s.sql().strip();
            String upper = sql.toUpperCase(Locale.ROOT);
            if (upper.startsWith("CREATE INDEX") || upper.startsWith("CREATE UNIQUE INDEX")) continue;
            if (!queries.isEmpty()) {
                result.notRun = "a statement after the queries began, line " + s.line();
                break;
            }
            if (!s.ok()) continue;
            if (postgres != null) postgres.setup(sql);
            if (upper.startsWith("CREATE TABLE")) {
                ddl.add(sql);
                InsertParser.Table t = InsertParser.table(sql);
                tableColumns.put(t.name(), t.columns());
            } else if (upper.startsWith("INSERT INTO")) {
                rows.addAll(InsertParser.inserts(sql, tableColumns));
            } else {
                result.notRun = "statement at line " + s.line() + ": "
                        + sql.lines().findFirst().orElse("");
                return result;
            }
        }
        for (String table : ddl) {
            if (!(circuit.executeSql(table) instanceof DdlResult.Applied)) {
                result.notRun = "table refused: " + table;
                return result;
            }
        }
        List<List<Op>> batches = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        for (int i = 0; i < rows.size(); i++) batches.get(i % 3).add(rows.get(i)); // each a sample of every table
        apply(circuit, batches.get(0), result);
        apply(circuit, batches.get(1), result);
        Map<String, SltScript.Query> views = new LinkedHashMap<>();
        for (int i = 0; i < queries.size(); i++) {
            SltScript.Query q = queries.get(i);
            result.queries++;
            String view = "v" + i;
            DdlResult created = circuit.executeSql("CREATE VIEW " + view + " AS " + q.sql());
            if (created instanceof DdlResult.Rejected rejected) {
                count(result.refused, reason(rejected.message()));
                result.examples.putIfAbsent(
                        "refused: " + reason(rejected.message()), q.sql().replace('\n', ' '));
                if (postgres != null && !postgres.runs(q.sql())) result.refusedByPostgres++;
                continue;
            }
            views.put(view, q);
        }
        Map<String, SltScript.Query> created = new LinkedHashMap<>(views);
        apply(circuit, batches.get(2), result, views);
        if (postgres != null) {
            created.forEach((view, q) -> {
                if (!views.containsKey(view) && !postgres.runs(q.sql())) result.failedInPostgres++;
            });
        }
        views.forEach((view, q) -> {
            List<Row> got =
                    circuit.read(view, Integer.MAX_VALUE, null).orElseThrow().rows();
            String problem = compare(q, got);
            if (problem != null && postgres != null) {
                List<List<Object>> theirs = postgres.rows(q.sql());
                if (asPostgres(q, got, theirs)) {
                    result.differAsPostgres++;
                    problem = null;
                } else {
                    problem += theirs == null ? " (PostgreSQL fails it)" : "; PostgreSQL gives " + theirs;
                }
            }
            if (problem == null) result.right++;
            else
                result.wrong.add(script.name() + ":" + q.line() + ": " + problem + "\n  "
                        + q.sql().replace('\n', ' '));
        });
        return result;
    }

    private static void apply(Circuit circuit, List<Op> ops, Result result) {
        apply(circuit, ops, result, new LinkedHashMap<>());
    }

    /** Applies a batch; a view whose evaluation fails it is dropped (and counted) and the batch applied again. */
    private static void apply(Circuit circuit, List<Op> ops, Result result, Map<String, SltScript.Query> views) {
        while (true) {
            long start = System.nanoTime();
            BatchOutcome outcome = circuit.applyBatch(ops);
            result.maxBatchMillis = Math.max(result.maxBatchMillis, (System.nanoTime() - start) / 1_000_000);
            if (outcome instanceof BatchOutcome.Accepted) return;
            String view;
            String why;
            if (outcome instanceof BatchOutcome.Failed f) {
                view = f.view();
                why = "evaluation error: " + reason(f.problem());
            } else if (outcome instanceof BatchOutcome.OverBudget b) {
                view = b.view();
                why = "over budget: " + b.budget();
            } else {
                throw new IllegalStateException("batch refused: " + outcome);
            }
            if (view == null || !views.containsKey(view)) throw new IllegalStateException("batch failed: " + outcome);
            count(result.failed, why);
            result.examples.putIfAbsent("failed: " + why, views.get(view).sql().replace('\n', ' '));
            views.remove(view);
            circuit.executeSql("DROP VIEW " + view);
        }
    }

    private static void count(Map<String, Integer> counts, String key) {
        counts.merge(key, 1, Integer::sum);
    }

    /** The first words of a refusal, enough to group refusals of one construct. */
    static String reason(String message) {
        String m = message.replaceAll("\\s+", " ");
        return m.length() > 90 ? m.substring(0, 90) : m;
    }

    /** Whether the engine's rows, formatted as the query's types say, are PostgreSQL's rows (a multiset). */
    static boolean asPostgres(SltScript.Query q, List<Row> got, List<List<Object>> postgres) {
        if (postgres == null || postgres.size() != got.size()) return false;
        List<List<String>> ours = new ArrayList<>();
        for (Row r : got) {
            List<String> row = new ArrayList<>();
            for (int c = 0; c < r.size(); c++)
                row.add(format(r.get(c), q.types().charAt(c)));
            ours.add(row);
        }
        List<List<String>> theirs = new ArrayList<>();
        for (List<Object> r : postgres) {
            if (r.size() != q.types().length()) return false;
            List<String> row = new ArrayList<>();
            for (int c = 0; c < r.size(); c++)
                row.add(format(r.get(c), q.types().charAt(c)));
            theirs.add(row);
        }
        java.util.Comparator<List<String>> order = (a, b) -> String.join("|", a).compareTo(String.join("|", b));
        ours.sort(order);
        theirs.sort(order);
        return ours.equals(theirs);
    }

    /** Null if the rows are the query's expected result, else what differs. */
    static String compare(SltScript.Query q, List<Row> rows) {
        List<String> values = new ArrayList<>();
        List<List<String>> table = new ArrayList<>();
        for (Row row : rows) {
            if (row.size() != q.types().length())
                return "the view has " + row.size() + " columns, the query " + q.types();
            List<String> formatted = new ArrayList<>();
            for (int c = 0; c < row.size(); c++)
                formatted.add(format(row.get(c), q.types().charAt(c)));
            table.add(formatted);
        }
        switch (q.sort()) {
            case "rowsort" -> table.sort((a, b) -> {
                for (int i = 0; i < a.size(); i++) {
                    int c = a.get(i).compareTo(b.get(i));
                    if (c != 0) return c;
                }
                return 0;
            });
            case "valuesort", "nosort" -> {}
            default -> throw new IllegalArgumentException("sort mode " + q.sort());
        }
        for (List<String> r : table) values.addAll(r);
        if (q.sort().equals("valuesort")) values.sort(String::compareTo);
        if (q.hash() != null) {
            if (values.size() != q.hashCount()) return values.size() + " values, expected " + q.hashCount();
            String md5 = md5(values);
            return md5.equals(q.hash()) ? null : "values hash to " + md5 + ", expected " + q.hash();
        }
        return values.equals(q.values()) ? null : "got " + values + ", expected " + q.values();
    }

    /** A value as sqllogictest prints it for a column of type I, R or T. */
    static String format(Object v, char type) {
        if (v == null) return "NULL";
        if (v instanceof FixedChar c) v = c.text();
        if (v instanceof Boolean b) v = b ? 1L : 0L;
        switch (type) {
            case 'I':
                if (v instanceof BigDecimal d) return d.toBigInteger().toString();
                if (v instanceof Double || v instanceof Float) return Long.toString((long) ((Number) v).doubleValue());
                if (v instanceof Number n) return Long.toString(n.longValue());
                return text(v.toString());
            case 'R':
                if (v instanceof Number n) return String.format(Locale.ROOT, "%.3f", n.doubleValue());
                return text(v.toString());
            default:
                if (v instanceof BigDecimal d) return d.toPlainString();
                return text(v.toString());
        }
    }

    private static String text(String s) {
        if (s.isEmpty()) return "(empty)";
        StringBuilder out = new StringBuilder(s.length());
        for (char ch : s.toCharArray()) out.append(ch < ' ' || ch > '~' ? '@' : ch);
        return out.toString();
    }

    static String md5(List<String> values) {
        try {
            MessageDigest md = MessageDigest.getInstance("MD5");
            for (String v : values) {
                md.update(v.getBytes(StandardCharsets.UTF_8));
                md.update((byte) '\n');
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
