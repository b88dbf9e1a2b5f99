package io.shardview.circuit.sql;

import io.shardview.circuit.sql.SqlText.Kind;
import io.shardview.circuit.sql.SqlText.Token;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Set;

/**
 * Column and alias names that PostgreSQL takes unquoted and Calcite's parser reserves ({@code value}, {@code year},
 * {@code date}, {@code count}, {@code start}, ...): a table may have such a column (its CREATE TABLE is the engine's
 * own parser's), and a SELECT naming it failed to parse. Where a statement does not parse as written, these words are
 * quoted where they stand as names and the statement is parsed again; it is taken only if that parse succeeds. A
 * statement that parses as written is never rewritten, so what was accepted before reads the same.
 *
 * <p>A word stays a keyword where it is one: before {@code (} (count(*), a function), before a string literal
 * ({@code DATE '2024-01-02'}), after a string literal or beside {@code TO} (an interval's unit), before {@code BY}, as EXTRACT's field,
 * and as a CAST's type. The words PostgreSQL reserves too ({@code user},
 * {@code end}, {@code window}) are not among them.
 */
final class KeywordNames {
    private KeywordNames() {}

    /** PostgreSQL's non-reserved (or column-name) keywords that Calcite reserves, lower case. */
    private static final Set<String> WORDS = Set.of(
            "value",
            "next",
            "range",
            "rows",
            "cursor",
            "scope",
            "global",
            "lower",
            "upper",
            "floor",
            "ceil",
            "abs",
            "mod",
            "power",
            "sqrt",
            "exp",
            "ln",
            "condition",
            "return",
            "returns",
            "function",
            "procedure",
            "trigger",
            "begin",
            "commit",
            "rollback",
            "period",
            "uuid",
            "year",
            "month",
            "day",
            "hour",
            "minute",
            "second",
            "date",
            "time",
            "timestamp",
            "position",
            "language",
            "count",
            "sum",
            "min",
            "max",
            "avg",
            "result",
            "start",
            "rank",
            "row_number",
            "module",
            "system",
            "current",
            "member",
            "method",
            "element",
            "percent",
            "filter",
            "local",
            // MATCH_RECOGNIZE's words, and a set operator PostgreSQL does not have
            "running",
            "prev",
            "match",
            "pattern",
            "measures",
            "define",
            "classifier",
            "minus",
            "old",
            "new");

    /** The statement with those words quoted where they are names; the text itself when none is. */
    static String quote(String sql) {
        List<Token> tokens = SqlText.tokens(sql);
        StringBuilder out = new StringBuilder(sql.length() + 16);
        int copied = 0;
        // Per open parenthesis: OTHER, a CAST's operand (before its AS), or a CAST's type (after it).
        Deque<Place> places = new ArrayDeque<>();
        for (int i = 0; i < tokens.size(); i++) {
            Token t = tokens.get(i);
            Place here = places.isEmpty() ? Place.OTHER : places.peek();
            if (t.is("(")) {
                boolean cast = i > 0
                        && tokens.get(i - 1).kind() == Kind.WORD
                        && tokens.get(i - 1).lower().equals("cast");
                places.push(cast ? Place.CAST_OPERAND : here == Place.CAST_TYPE ? Place.CAST_TYPE : Place.OTHER);
            } else if (t.is(")")) {
                if (!places.isEmpty()) places.pop();
            } else if (t.kind() == Kind.WORD && t.lower().equals("as") && here == Place.CAST_OPERAND) {
                places.pop();
                places.push(Place.CAST_TYPE);
            } else if (t.kind() == Kind.WORD
                    && WORDS.contains(t.lower())
                    && here != Place.CAST_TYPE
                    && isName(tokens, i)) {
                out.append(sql, copied, t.start()).append('"').append(t.lower()).append('"');
                copied = t.end();
            }
        }
        return out.append(sql, copied, sql.length()).toString();
    }

    private enum Place {
        OTHER,
        CAST_OPERAND,
        CAST_TYPE
    }

    private static boolean isName(List<Token> tokens, int i) {
        Token next = i + 1 < tokens.size() ? tokens.get(i + 1) : null;
        Token previous = i > 0 ? tokens.get(i - 1) : null;
        if (next != null && (next.is("(") || next.kind() == Kind.STRING)) return false;
        if (next != null
                && next.kind() == Kind.WORD
                && (next.lower().equals("to") || next.lower().equals("by"))) return false;
        boolean extractField = i >= 2
                && tokens.get(i - 1).is("(")
                && tokens.get(i - 2).kind() == Kind.WORD
                && tokens.get(i - 2).lower().equals("extract");
        if (extractField) return false;
        if (previous != null && previous.kind() == Kind.STRING) return false;
        return previous == null
                || previous.kind() != Kind.WORD
                || !previous.lower().equals("to");
    }
}
