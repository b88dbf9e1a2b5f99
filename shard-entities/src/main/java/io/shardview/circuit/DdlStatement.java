package io.shardview.circuit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statements of a SQL request, parsed just enough to dispatch: CREATE TABLE is parsed fully here
 * (Calcite's core parser has no DDL); a view's SELECT is kept as text for the planner.
 */
sealed interface DdlStatement {
    /** CREATE TABLE with its parsed schema. */
    record CreateTable(TableSchema schema) implements DdlStatement {
    }

    /** CREATE [MATERIALIZED] VIEW name AS select. */
    record CreateView(String name, String select) implements DdlStatement {
    }

    /** DROP VIEW / DROP TABLE [IF EXISTS] name. */
    record Drop(boolean view, String name, boolean ifExists) implements DdlStatement {
    }

    /** A malformed or unsupported statement. */
    final class ParseError extends Exception {
        final RejectionKind kind;

        ParseError(RejectionKind kind, String message) {
            super(message);
            this.kind = kind;
        }
    }

    /** Splits a request at semicolons outside quotes and comments; blank statements are dropped. */
    static List<String> split(String sql) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote == 0 && c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') i++;
                cur.append(' ');
                continue;
            }
            if (quote == 0 && c == ';') {
                if (!cur.toString().isBlank()) out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            if (c == '\'' || c == '"') quote = quote == 0 ? c : quote == c ? 0 : quote;
            cur.append(c);
        }
        if (!cur.toString().isBlank()) out.add(cur.toString().trim());
        return out;
    }

    /** revision: the SQL revision the statement is read under (REAL was double precision under 0, see {@link SqlTokens}). */
    static DdlStatement parse(String statement, boolean replaying, int revision) throws ParseError {
        SqlTokens t = new SqlTokens(statement, replaying, revision);
        if (t.acceptWord("create")) {
            if (t.acceptWord("table")) return createTable(t);
            t.acceptWord("materialized");
            if (t.acceptWord("view")) {
                String name = t.identifier();
                t.expectWord("as");
                return new CreateView(name, t.rest());
            }
            throw new ParseError(RejectionKind.UNSUPPORTED, "unsupported statement: CREATE " + t.peekText());
        }
        if (t.acceptWord("drop")) {
            boolean view = t.acceptWord("materialized") || t.peekWord("view");
            if (!(view ? t.acceptWord("view") : t.acceptWord("table"))) {
                throw new ParseError(RejectionKind.UNSUPPORTED, "unsupported statement: DROP " + t.peekText());
            }
            boolean ifExists = t.acceptWord("if");
            if (ifExists) t.expectWord("exists");
            String name = t.identifier();
            t.expectEnd();
            return new Drop(view, name, ifExists);
        }
        String first = statement.split("\\s+", 2)[0].toUpperCase(Locale.ROOT);
        throw new ParseError(RejectionKind.UNSUPPORTED, "unsupported statement: " + first
                + " (use CREATE TABLE, CREATE [MATERIALIZED] VIEW, DROP VIEW or DROP TABLE)");
    }

    private static DdlStatement createTable(SqlTokens t) throws ParseError {
        String name = t.identifier();
        t.expect("(");
        List<Column> columns = new ArrayList<>();
        List<String> pk = new ArrayList<>();
        do {
            if (t.acceptWord("primary")) {
                t.expectWord("key");
                if (!pk.isEmpty()) throw new ParseError(RejectionKind.INVALID, "multiple primary keys for table " + name);
                pk.addAll(t.identifierList());
            } else {
                columns.add(column(t, pk));
            }
        } while (t.accept(","));
        t.expect(")");
        t.expectEnd();
        return new CreateTable(schema(name, columns, pk));
    }

    private static Column column(SqlTokens t, List<String> pk) throws ParseError {
        String name = t.identifier();
        SqlTokens.TypeSpec type = t.type();
        boolean nullable = true;
        while (true) {
            if (t.acceptWord("not")) {
                t.expectWord("null");
                nullable = false;
            } else if (t.acceptWord("null")) {
                nullable = true;
            } else if (t.acceptWord("primary")) {
                t.expectWord("key");
                if (!pk.isEmpty()) throw new ParseError(RejectionKind.INVALID, "multiple primary keys");
                pk.add(name);
            } else {
                return new Column(name, type.type(), nullable, type.length(), type.precision(), type.scale());
            }
        }
    }

    private static TableSchema schema(String name, List<Column> columns, List<String> pk) throws ParseError {
        List<Column> out = new ArrayList<>();
        for (Column c : columns) {
            if (out.stream().anyMatch(o -> o.name().equals(c.name()))) {
                throw new ParseError(RejectionKind.INVALID, "column \"" + c.name() + "\" specified more than once");
            }
            boolean inKey = pk.contains(c.name());
            out.add(inKey ? c.withNullable(false) : c); // key columns are NOT NULL
        }
        int[] key = new int[pk.size()];
        for (int i = 0; i < key.length; i++) {
            String k = pk.get(i);
            key[i] = -1;
            for (int j = 0; j < out.size(); j++) {
                if (out.get(j).name().equals(k)) key[i] = j;
            }
            if (key[i] < 0) throw new ParseError(RejectionKind.INVALID, "primary key column \"" + k + "\" does not exist");
        }
        return new TableSchema(name, List.copyOf(out), key);
    }
}
