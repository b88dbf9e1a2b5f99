package io.shardview.circuit;

import io.shardview.circuit.RandomSchema.Col;
import io.shardview.circuit.RandomSchema.Kind;
import io.shardview.circuit.RandomSchema.Rel;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.pg.FixedChar;
import io.shardview.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A throw-away PostgreSQL database (C collation) on the tests' server ({@link TestPostgres}) that receives the
 * same DDL and ops as the engine, and answers what each view contains, as canonical row strings.
 */
public final class PostgresMirror implements AutoCloseable {
    private final String database;
    private final Connection admin;
    private final Connection db;

    public PostgresMirror() throws SQLException {
        database = "shardview_circuit_" + Long.toHexString(System.nanoTime()) + (int) (Math.random() * 1000);
        admin = TestPostgres.connect(TestPostgres.MAINTENANCE_DATABASE);
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE DATABASE " + database
                    + " TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C.UTF-8'");
        }
        db = TestPostgres.connect(database);
    }

    public void reset() throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public");
        }
    }

    public void execute(String sql) throws SQLException {
        try (Statement s = db.createStatement()) {
            s.execute(sql);
        }
    }

    /** What a batch gave: each view's rows, or for the views whose query failed, PostgreSQL's message. */
    record BatchResult(Map<String, List<String>> rows, Map<String, String> errors) {}

    /**
     * Applies one batch, op by op, in a transaction, and reads every view in it. When some view fails
     * with a data exception (SQLSTATE class 22: division by zero, out of range, invalid input), the
     * transaction is rolled back, as the statement that read the view would have failed.
     */
    BatchResult apply(List<Op> ops, Map<String, Rel> tables, List<String> views) throws SQLException {
        db.setAutoCommit(false);
        try {
            for (Op op : ops) {
                apply(op, tables.get(op.table()));
            }
            BatchResult result = readAll(views);
            if (result.errors().isEmpty()) db.commit();
            else db.rollback();
            return result;
        } finally {
            db.setAutoCommit(true);
        }
    }

    /** The SQLSTATE of the error that applying the ops raises (null if none); nothing is committed. */
    String refusal(List<Op> ops, Map<String, Rel> tables) throws SQLException {
        db.setAutoCommit(false);
        try {
            for (Op op : ops) {
                apply(op, tables.get(op.table()));
            }
            return null;
        } catch (SQLException e) {
            return e.getSQLState();
        } finally {
            db.rollback();
            db.setAutoCommit(true);
        }
    }

    private BatchResult readAll(List<String> views) throws SQLException {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        Map<String, String> errors = new LinkedHashMap<>();
        for (String view : views) {
            Savepoint before = db.setSavepoint();
            try {
                rows.put(view, rows("SELECT * FROM " + view));
            } catch (SQLException e) {
                if (e.getSQLState() == null || !e.getSQLState().startsWith("22")) throw e;
                db.rollback(before);
                errors.put(view, message(e));
            }
        }
        return new BatchResult(rows, errors);
    }

    /**
     * Creates a view unless reading it fails with a data exception; returns PostgreSQL's message then
     * (the engine must refuse such a view, as it fills views at creation), else null.
     * The view ends in OFFSET 0, which keeps PostgreSQL from pulling it up into the views that read it: the
     * engine's views read the rows of the views below them, so a condition of an outer view is evaluated
     * only on rows the inner view holds, where PostgreSQL's planner may push it below the inner view's
     * WHERE and fail on a row that WHERE excludes (CAST(x AS NUMERIC(12,1)) of a 1e308 that is filtered out).
     */
    public String createView(String name, String select) throws SQLException {
        db.setAutoCommit(false);
        try {
            execute("CREATE VIEW " + name + " AS " + select + " OFFSET 0");
            BatchResult read = readAll(List.of(name));
            if (read.errors().isEmpty()) db.commit();
            else db.rollback();
            return read.errors().get(name);
        } finally {
            db.setAutoCommit(true);
        }
    }

    private static String message(SQLException e) {
        if (e instanceof org.postgresql.util.PSQLException p && p.getServerErrorMessage() != null) {
            return p.getServerErrorMessage().getMessage();
        }
        return e.getMessage();
    }

    private void apply(Op op, Rel t) throws SQLException {
        if (op instanceof Op.Delete d && d.row() != null) {
            // A NUMERIC matches with its scale too: the engine deletes a row spelled alike (2.00, not 2.0).
            String match = t.cols().stream()
                    .map(c -> c.kind() == Kind.NUM
                            ? c.name() + "::text IS NOT DISTINCT FROM " + param(c) + "::text"
                            : c.name() + " IS NOT DISTINCT FROM " + param(c))
                    .collect(Collectors.joining(" AND "));
            run(
                    "DELETE FROM " + t.name() + " WHERE ctid IN (SELECT ctid FROM " + t.name() + " WHERE " + match
                            + " LIMIT 1)",
                    t.cols(),
                    d.row());
        } else if (op instanceof Op.Delete d) {
            List<Col> key = keyCols(t);
            run(
                    "DELETE FROM " + t.name() + " WHERE "
                            + key.stream().map(c -> c.name() + " = " + param(c)).collect(Collectors.joining(" AND ")),
                    key,
                    d.key());
        } else if (op instanceof Op.Update u) {
            List<Col> cols = new ArrayList<>(t.cols());
            cols.removeAll(keyCols(t));
            List<Col> order = new ArrayList<>(cols);
            order.addAll(keyCols(t));
            run(
                    "UPDATE " + t.name() + " SET "
                            + cols.stream()
                                    .map(c -> c.name() + " = " + param(c))
                                    .collect(Collectors.joining(", ")) + " WHERE "
                            + keyCols(t).stream()
                                    .map(c -> c.name() + " = " + param(c))
                                    .collect(Collectors.joining(" AND ")),
                    order,
                    u.row());
        } else {
            Map<String, Object> row = op instanceof Op.Insert i ? i.row() : ((Op.Upsert) op).row();
            String insert = "INSERT INTO " + t.name() + " ("
                    + t.cols().stream().map(Col::name).collect(Collectors.joining(", ")) + ") VALUES ("
                    + t.cols().stream().map(PostgresMirror::param).collect(Collectors.joining(", ")) + ")";
            if (op instanceof Op.Upsert) {
                insert += " ON CONFLICT (" + String.join(", ", t.pk()) + ") DO UPDATE SET "
                        + t.cols().stream()
                                .map(c -> c.name() + " = EXCLUDED." + c.name())
                                .collect(Collectors.joining(", "));
            }
            run(insert, t.cols(), row);
        }
    }

    private static List<Col> keyCols(Rel t) {
        return t.pk().stream()
                .map(k -> t.cols().stream()
                        .filter(c -> c.name().equals(k))
                        .findFirst()
                        .orElseThrow())
                .toList();
    }

    private static String param(Col c) {
        return "CAST(? AS " + c.kind().sqlType + ")";
    }

    private void run(String sql, List<Col> cols, Map<String, Object> values) throws SQLException {
        try (PreparedStatement ps = db.prepareStatement(sql)) {
            for (int i = 0; i < cols.size(); i++) {
                Object v = values.get(cols.get(i).name());
                ps.setObject(
                        i + 1, v instanceof LocalDate d ? java.sql.Date.valueOf(d) : v); // LocalDateTime binds as is
            }
            ps.executeUpdate();
        }
    }

    /** The types of a view's columns as PostgreSQL describes them (format_type: numeric(5,2), bpchar, ...). */
    public List<String> columnTypes(String view) throws SQLException {
        List<String> out = new ArrayList<>();
        try (PreparedStatement ps = db.prepareStatement("SELECT format_type(atttypid, atttypmod) FROM pg_attribute"
                + " WHERE attrelid = CAST(? AS regclass) AND attnum > 0 AND NOT attisdropped ORDER BY attnum")) {
            ps.setString(1, view);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** A column's type as PostgreSQL's format_type spells it (varchar and timestamp are spelled out there). */
    public static String formatType(Column column) {
        String name = column.sqlTypeName();
        if (name.startsWith("varchar(")) return "character varying" + name.substring("varchar".length());
        return switch (name) {
            case "varchar" -> "character varying";
            case "timestamp" -> "timestamp without time zone";
            default -> name;
        };
    }

    /** The rows of a SELECT in the order PostgreSQL returns them, each value as JDBC reads it. */
    public List<List<Object>> orderedRows(String select) throws SQLException {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 0; i < n; i++) row.add(rs.getObject(i + 1));
                out.add(row);
            }
        }
        return out;
    }

    /** The rows of a SELECT as a sorted list of canonical strings (a multiset). */
    public List<String> rows(String select) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Statement s = db.createStatement();
                ResultSet rs = s.executeQuery(select)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] v = new Object[n];
                for (int i = 0; i < n; i++) {
                    // An interval as PostgreSQL shows it (the engine's PgInterval prints the same text).
                    boolean interval = rs.getMetaData().getColumnTypeName(i + 1).equals("interval");
                    v[i] = interval && rs.getString(i + 1) != null
                            ? new Shown(rs.getString(i + 1))
                            : rs.getObject(i + 1);
                }
                out.add(canonical(v));
            }
        }
        Collections.sort(out);
        return out;
    }

    /** A value as PostgreSQL's text output shows it. */
    private record Shown(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    /**
     * Canonical text of a row: a NUMERIC with decimals as shown (its scale counts: 2.0 is not 2.00), other
     * numbers rounded to 6 decimals, so int/numeric/double results compare.
     */
    public static String canonical(Object[] values) {
        StringBuilder sb = new StringBuilder("(");
        for (Object v : values) {
            if (v == null) sb.append("NULL");
            else if (v instanceof BigDecimal d && d.scale() > 0) sb.append(d.toPlainString());
            else if (v instanceof Number n) {
                BigDecimal d = n instanceof Double x ? BigDecimal.valueOf(x) : new BigDecimal(n.toString());
                d = d.setScale(6, RoundingMode.HALF_EVEN).stripTrailingZeros();
                sb.append(d.signum() == 0 ? "0" : d.toPlainString());
            } else if (v instanceof String || v instanceof FixedChar)
                sb.append('\'').append(v).append('\'');
            else if (v instanceof java.sql.Date d) sb.append(d.toLocalDate());
            else if (v instanceof java.sql.Timestamp t) sb.append(t.toLocalDateTime());
            else sb.append(v);
            sb.append(", ");
        }
        return sb.append(')').toString();
    }

    /** The engine's view content in the same canonical form. */
    public static List<String> canonical(ZSet content) {
        List<String> out = new ArrayList<>();
        content.forEach((row, w) -> {
            for (long i = 0; i < w; i++) {
                out.add(canonical(row.toArray()));
            }
            if (w < 0) out.add("NEGATIVE WEIGHT " + w + " " + row);
        });
        Collections.sort(out);
        return out;
    }

    /** Creates each query as a view v0, v1, ... in the circuit; each must be accepted. */
    public static void createViews(Circuit circuit, List<String> queries) {
        for (int v = 0; v < queries.size(); v++) {
            DdlResult result = circuit.executeSql("CREATE VIEW v" + v + " AS " + queries.get(v));
            org.junit.jupiter.api.Assertions.assertInstanceOf(
                    DdlResult.Applied.class, result, queries.get(v) + " -> " + result);
        }
    }

    /**
     * Each view v0, v1, ... of {@link #createViews} equals this database's answer to its query, and the circuit's own
     * recomputation of it from scratch.
     */
    public void assertViewsEqual(Circuit circuit, List<String> queries, String when) throws SQLException {
        for (int v = 0; v < queries.size(); v++) {
            org.junit.jupiter.api.Assertions.assertEquals(
                    rows(queries.get(v)), canonical(circuit.content("v" + v)), when + ": " + queries.get(v));
            org.junit.jupiter.api.Assertions.assertEquals(
                    circuit.recompute("v" + v), circuit.content("v" + v), "recomputed: " + queries.get(v));
        }
    }

    @Override
    public void close() throws SQLException {
        db.close();
        if (Boolean.getBoolean("circuit.keepDatabase")) {
            // -Dcircuit.keepDatabase=true: a failed scenario's tables and views stay, to be read with psql.
            System.out.println("PostgresMirror: kept database " + database);
            admin.close();
            return;
        }
        try (Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
        }
        admin.close();
    }
}
