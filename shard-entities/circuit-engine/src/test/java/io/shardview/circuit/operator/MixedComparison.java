package io.shardview.circuit.operator;

import io.shardview.circuit.pg.FixedChar;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Comparator;
import java.util.List;

/**
 * A pairing of value types PostgreSQL compares after converting one side, for the tests of the ordered joins: the
 * values drawn on each side, the values a plan orders each side by (as {@code ExprCompiler.compared} and Calcite's
 * cast of a date compute them) and PostgreSQL's comparison of a left with a right value, written apart from
 * {@code Values.compare}. Spellings PostgreSQL keeps are drawn too: CHAR values padded to different widths.
 */
record MixedComparison(
        String name, Object[] left, Expr leftValue, Object[] right, Expr rightValue, Comparator<Object> postgres) {
    /** CHAR values of CHAR(3) and of a bpchar without length, padded otherwise ('a' as 'a  ' and 'a '). */
    private static final Object[] CHARS = {
        FixedChar.of("a", 3),
        new FixedChar("a", 2),
        new FixedChar("a", 1),
        FixedChar.of("a\t", 3),
        FixedChar.of("", 3),
        FixedChar.of("ab", 3),
        new FixedChar("ab", 4),
        FixedChar.of("B", 3),
        FixedChar.of(" a", 3)
    };
    /** Strings with and without trailing blanks, a tab (below a blank) and a leading blank. */
    private static final Object[] STRINGS = {"a", "a ", "a  ", "a\t", "", " ", "ab", "ab ", "B", " a", "a\u00e9"};

    private static final Object[] DATES = {LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 2), LocalDate.of(2024, 1, 3)
    };
    private static final Object[] TIMESTAMPS = {
        LocalDateTime.of(2024, 1, 1, 0, 0),
        LocalDateTime.of(2024, 1, 2, 0, 0),
        LocalDateTime.of(2024, 1, 2, 0, 0, 0, 1000),
        LocalDateTime.of(2024, 1, 1, 23, 59, 59, 999_999_000),
        LocalDateTime.of(2023, 12, 31, 23, 59, 59, 999_999_000),
        LocalDateTime.of(2024, 1, 3, 12, 0)
    };

    private static final Expr AS_IS = row -> row.get(1);
    /** A varchar as the bpchar PostgreSQL compares it as with a CHAR value. */
    private static final Expr AS_BPCHAR = row -> JoinKeys.bpcharOf(row.get(1));
    /** A date as the timestamp of its midnight, as Calcite casts it beside a timestamp. */
    private static final Expr AT_MIDNIGHT = row -> row.get(1) == null ? null : ((LocalDate) row.get(1)).atStartOfDay();

    /** Each pairing, with CHAR or DATE on the left, then on the right. */
    static List<MixedComparison> all() {
        List<MixedComparison> leftFirst = List.of(
                // CHAR with VARCHAR compares as bpchar: the trailing blanks of neither side count ('a' = 'a ', 'a' <
                // 'a\t').
                new MixedComparison("char-varchar", CHARS, AS_IS, STRINGS, AS_BPCHAR, (c, v) -> ((FixedChar) c)
                        .text()
                        .compareTo(FixedChar.stripTrailingBlanks((String) v))),
                // CHAR with TEXT compares as text: the CHAR loses its blanks, the text keeps them ('a' < 'a ', 'a\t' <
                // 'a ').
                new MixedComparison("char-text", CHARS, AS_IS, STRINGS, AS_IS, (c, t) -> ((FixedChar) c)
                        .text()
                        .compareTo((String) t)),
                new MixedComparison("char-char", CHARS, AS_IS, CHARS, AS_IS, (c, d) -> ((FixedChar) c)
                        .text()
                        .compareTo(((FixedChar) d).text())),
                // DATE with TIMESTAMP compares as timestamps, the date at midnight.
                new MixedComparison("date-timestamp", DATES, AT_MIDNIGHT, TIMESTAMPS, AS_IS, (d, t) -> ((LocalDate) d)
                        .atStartOfDay()
                        .compareTo((LocalDateTime) t)));
        return java.util.stream.Stream.concat(
                        leftFirst.stream(), leftFirst.stream().map(MixedComparison::swapped))
                .toList();
    }

    /** The same pairing with its sides swapped. */
    MixedComparison swapped() {
        return new MixedComparison(
                name + " swapped", right, rightValue, left, leftValue, (a, b) -> -postgres.compare(b, a));
    }

    /** left.c1 OP right.c1 as PostgreSQL compares them, over a pair of rows (key, value, tag): the right value is column 4. */
    Expr condition(RangeJoin.Comparison comparison) {
        return row -> {
            Object a = row.get(1);
            Object b = row.get(4);
            if (a == null || b == null) return null;
            int c = postgres.compare(a, b);
            return switch (comparison) {
                case LESS -> c < 0;
                case LESS_OR_EQUAL -> c <= 0;
                case GREATER -> c > 0;
                case GREATER_OR_EQUAL -> c >= 0;
            };
        };
    }
}
