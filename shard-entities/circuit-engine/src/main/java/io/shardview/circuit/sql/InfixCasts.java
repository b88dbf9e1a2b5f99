package io.shardview.circuit.sql;

import io.shardview.circuit.sql.SqlText.Kind;
import io.shardview.circuit.sql.SqlText.Token;
import java.util.List;
import java.util.Set;

/**
 * PostgreSQL's {@code x::type} cast, which Calcite's parser does not read, written as {@code CAST(x AS type)} before
 * parsing. {@code ::} binds tighter than any operator ({@code -1::text} is {@code -(1::text)}), so its operand is the
 * primary just before it: a name ({@code t.x}), a literal, a parenthesized expression, a function call or an earlier
 * cast ({@code x::int::text}). The type after it is a type name of one or more words ({@code double precision},
 * {@code character varying}, {@code timestamp without time zone}) with its modifiers in parentheses. Strings, quoted
 * names and comments are left alone. No statement accepted before holds a {@code ::} outside them (it was a syntax
 * error), so a journaled statement replays as it was read.
 */
final class InfixCasts {
    private InfixCasts() {}

    /** The most casts rewritten in one statement: each is a pass over its text. */
    private static final int MAX_CASTS = 10_000;

    /** Words that end a primary rather than name a function before "(": (SELECT ...), IN (...), AND (...). */
    private static final Set<String> KEYWORDS = Set.of(
            "select",
            "from",
            "where",
            "and",
            "or",
            "not",
            "in",
            "exists",
            "on",
            "as",
            "by",
            "having",
            "then",
            "else",
            "when",
            "case",
            "between",
            "like",
            "ilike",
            "is",
            "union",
            "all",
            "distinct",
            "join",
            "any",
            "some",
            "values",
            "limit",
            "offset",
            "using",
            "with",
            "over",
            "filter",
            "within",
            "lateral",
            "array",
            "except",
            "intersect",
            "end",
            "return",
            "into",
            "set",
            "row",
            "partition",
            "order",
            "group");

    /** The statement with each {@code x::type} as {@code CAST(x AS type)}; the text itself when it has none. */
    static String rewrite(String sql) {
        return rewrite(RewrittenText.of(sql)).text;
    }

    /** As {@link #rewrite(String)}, keeping where each character was written. */
    static RewrittenText rewrite(RewrittenText sql) {
        RewrittenText text = sql;
        for (int n = 0; n < MAX_CASTS; n++) {
            List<Token> tokens = SqlText.tokens(text.text);
            int cast = -1;
            for (int i = 0; i < tokens.size() && cast < 0; i++)
                if (tokens.get(i).is("::")) cast = i;
            if (cast < 0) return text;
            int first = operandStart(tokens, cast);
            int last = typeEnd(tokens, cast);
            if (first < 0 || last < 0) return text; // nothing to cast, or no type: the parser says where
            int from = tokens.get(first).start();
            int to = tokens.get(last).end();
            text = text.rebuild()
                    .copy(0, from)
                    .add("CAST(")
                    .copy(from, tokens.get(cast - 1).end())
                    .add(" AS ")
                    .copy(tokens.get(cast + 1).start(), to)
                    .add(")")
                    .copy(to, text.text.length())
                    .build();
        }
        return text;
    }

    /** The index of the operand's first token, or -1. */
    private static int operandStart(List<Token> tokens, int cast) {
        int i = cast - 1;
        if (i < 0) return -1;
        Token t = tokens.get(i);
        if (t.is(")")) {
            int depth = 0;
            for (; i >= 0; i--) {
                if (tokens.get(i).is(")")) depth++;
                else if (tokens.get(i).is("(") && --depth == 0) break;
            }
            if (i < 0) return -1;
            // A function's name (and its qualifier) before the parenthesis, not a keyword.
            if (i > 0
                    && tokens.get(i - 1).kind() == Kind.WORD
                    && !KEYWORDS.contains(tokens.get(i - 1).lower())) return nameStart(tokens, i - 1);
            return i;
        }
        if (t.kind() == Kind.WORD && t.lower().equals("end")) return caseStart(tokens, i);
        if (t.kind() == Kind.WORD || t.kind() == Kind.QUOTED) return nameStart(tokens, i);
        if (t.kind() == Kind.STRING) {
            // A typed literal: DATE '2024-01-02'::text casts the date.
            boolean typed = i > 0
                    && tokens.get(i - 1).kind() == Kind.WORD
                    && TYPED_LITERALS.contains(tokens.get(i - 1).lower());
            return typed ? i - 1 : i;
        }
        if (t.kind() == Kind.NUMBER) return i;
        return -1;
    }

    /** The words that type a string literal after them. */
    private static final Set<String> TYPED_LITERALS = Set.of("date", "timestamp", "time", "interval");

    /** The index of the CASE whose END is at index i, or -1. */
    private static int caseStart(List<Token> tokens, int i) {
        int depth = 0;
        for (; i >= 0; i--) {
            Token t = tokens.get(i);
            if (t.kind() != Kind.WORD) continue;
            if (t.lower().equals("end")) depth++;
            else if (t.lower().equals("case") && --depth == 0) return i;
        }
        return -1;
    }

    /** The first token of a dotted name ending at index i. */
    private static int nameStart(List<Token> tokens, int i) {
        while (i >= 2
                && tokens.get(i - 1).is(".")
                && (tokens.get(i - 2).kind() == Kind.WORD || tokens.get(i - 2).kind() == Kind.QUOTED)) i -= 2;
        return i;
    }

    /** The index of the type's last token, or -1. */
    private static int typeEnd(List<Token> tokens, int cast) {
        int i = cast + 1;
        if (i >= tokens.size() || tokens.get(i).kind() != Kind.WORD) return -1;
        String word = tokens.get(i).lower();
        // The words that continue a type name of several.
        if (word.equals("double") && next(tokens, i, "precision")) i++;
        else if ((word.equals("character") || word.equals("char")) && next(tokens, i, "varying")) i++;
        else if (word.equals("timestamp") || word.equals("time")) {
            if (next(tokens, i, "without") || next(tokens, i, "with")) {
                if (next(tokens, i + 1, "time") && next(tokens, i + 2, "zone")) i += 3;
            }
        }
        if (i + 1 < tokens.size() && tokens.get(i + 1).is("(")) {
            int depth = 0;
            for (int j = i + 1; j < tokens.size(); j++) {
                if (tokens.get(j).is("(")) depth++;
                else if (tokens.get(j).is(")") && --depth == 0) return j;
            }
            return -1;
        }
        return i;
    }

    private static boolean next(List<Token> tokens, int i, String word) {
        return i + 1 < tokens.size()
                && tokens.get(i + 1).kind() == Kind.WORD
                && tokens.get(i + 1).lower().equals(word);
    }
}
