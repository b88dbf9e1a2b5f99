package io.shardview.circuit.catalog;

import io.shardview.circuit.error.RejectionKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The statements of a SQL request, parsed just enough to dispatch: CREATE TABLE is parsed fully here
 * (Calcite's core parser has no DDL); a view's SELECT is kept as text for the planner.
 */
public sealed interface DdlStatement {
    /** CREATE TABLE with its parsed schema. */
    record CreateTable(TableSchema schema) implements DdlStatement {}

    /** CREATE [MATERIALIZED] VIEW name AS select; selectOffset: where the SELECT starts in the statement's text. */
    record CreateView(String name, String select, int selectOffset) implements DdlStatement {}

    /** DROP VIEW / DROP TABLE [IF EXISTS] name. */
    record Drop(boolean view, String name, boolean ifExists) implements DdlStatement {}

    /** PostgreSQL's limit on the columns of a table (its MaxHeapAttributeNumber is 1600). */
    int MAX_COLUMNS = 1600;

    /** A malformed or unsupported statement; position: the offset in the statement's text it was found at, or -1. */
    final class ParseError extends Exception {
        public final RejectionKind kind;
        public final int position;
        public final java.util.Map<String, Object> details;

        ParseError(RejectionKind kind, String message) {
            this(kind, message, -1);
        }

        ParseError(RejectionKind kind, String message, int position) {
            this(kind, message, position, java.util.Map.of());
        }

        ParseError(RejectionKind kind, String message, int position, java.util.Map<String, Object> details) {
            super(message);
            this.kind = kind;
            this.position = position;
            this.details = details;
        }
    }

    /** One statement of a request: its text and where it starts in the request's text. */
    record Part(String text, int offset) {}

    /**
     * Splits a request at semicolons outside quotes and comments; blank statements are dropped. A comment becomes
     * spaces of its length, so an offset in a statement's text is its offset in the request plus the part's offset.
     */
    static List<Part> split(String sql) {
        List<Part> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int start = 0;
        char quote = 0;
        for (int i = 0; i < sql.length(); i++) {
            char c = sql.charAt(i);
            if (quote == 0 && c == '-' && i + 1 < sql.length() && sql.charAt(i + 1) == '-') {
                while (i < sql.length() && sql.charAt(i) != '\n') {
                    cur.append(' ');
                    i++;
                }
                if (i < sql.length()) cur.append('\n');
                continue;
            }
            if (quote == 0 && c == ';') {
                addPart(out, cur, start);
                cur.setLength(0);
                start = i + 1;
                continue;
            }
            if (c == '\'' || c == '"') quote = quote == 0 ? c : quote == c ? 0 : quote;
            cur.append(c);
        }
        addPart(out, cur, start);
        return out;
    }

    private static void addPart(List<Part> out, StringBuilder text, int start) {
        String s = text.toString();
        if (s.isBlank()) return;
        int lead = 0;
        while (Character.isWhitespace(s.charAt(lead))) lead++;
        out.add(new Part(s.trim(), start + lead));
    }

    /** Is this word a statement PostgreSQL has (so an unsupported statement, not a syntax error)? */
    static boolean isStatementKeyword(String word) {
        return STATEMENT_KEYWORDS.contains(word.toLowerCase(Locale.ROOT));
    }

    java.util.Set<String> STATEMENT_KEYWORDS = java.util.Set.of(
            "select",
            "insert",
            "update",
            "delete",
            "merge",
            "with",
            "values",
            "table",
            "alter",
            "create",
            "drop",
            "truncate",
            "grant",
            "revoke",
            "begin",
            "start",
            "commit",
            "rollback",
            "end",
            "abort",
            "savepoint",
            "release",
            "set",
            "reset",
            "show",
            "explain",
            "analyze",
            "analyse",
            "copy",
            "vacuum",
            "comment",
            "lock",
            "prepare",
            "execute",
            "deallocate",
            "declare",
            "fetch",
            "move",
            "close",
            "listen",
            "notify",
            "unlisten",
            "discard",
            "do",
            "call",
            "cluster",
            "reindex",
            "refresh",
            "security",
            "import",
            "load",
            "checkpoint",
            "reassign");

    /** revision: the SQL revision the statement is read under (REAL was double precision under 0, see {@link SqlTokens}). */
    static DdlStatement parse(String statement, boolean replaying, int revision) throws ParseError {
        SqlTokens t = new SqlTokens(statement, replaying, revision);
        if (t.acceptWord("create")) {
            if (t.acceptWord("table")) return createTable(t);
            t.acceptWord("materialized");
            if (t.acceptWord("view")) {
                String name = t.identifier();
                t.expectWord("as");
                int selectOffset = t.position();
                if (t.rest().isEmpty()) {
                    throw new ParseError(
                            RejectionKind.SYNTAX,
                            "syntax error at end of input: a SELECT is expected after AS",
                            selectOffset);
                }
                return new CreateView(name, t.rest(), selectOffset);
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
        String first = statement.split("[\\s(;]+", 2)[0];
        if (!isStatementKeyword(first)) {
            throw new ParseError(RejectionKind.SYNTAX, "syntax error at or near \"" + first + "\"", 0);
        }
        throw new ParseError(
                RejectionKind.UNSUPPORTED,
                "unsupported statement: " + first.toUpperCase(Locale.ROOT)
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
                if (!pk.isEmpty())
                    throw new ParseError(RejectionKind.INVALID, "multiple primary keys for table " + name);
                pk.addAll(t.identifierList());
            } else {
                columns.add(column(t, pk));
            }
            if (columns.size() > MAX_COLUMNS) {
                throw new ParseError(
                        RejectionKind.LIMIT_EXCEEDED,
                        "tables can have at most " + MAX_COLUMNS + " columns",
                        -1,
                        java.util.Map.of("limit", "max-columns", "max", MAX_COLUMNS));
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
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Column c : columns) {
            if (!names.add(c.name())) {
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
            if (key[i] < 0)
                throw new ParseError(RejectionKind.INVALID, "primary key column \"" + k + "\" does not exist");
        }
        return new TableSchema(name, List.copyOf(out), key);
    }
}
