package io.shardview.circuit;

import io.shardview.circuit.RandomSchema.Col;
import io.shardview.circuit.RandomSchema.Kind;
import io.shardview.circuit.RandomSchema.Rel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Random view definitions over a schema (and over earlier views), drawn from every construct the engine
 * supports: filter/project expressions, inner/left joins with residuals, GROUP BY with every aggregate
 * and HAVING, global aggregates, DISTINCT, top-k, UNION ALL, IN and NOT IN (correlated, nested, under OR
 * or NOT, in a select list or a join's ON) / EXISTS / NOT EXISTS, scalar subqueries (an aggregate or ORDER BY x
 * LIMIT 1, correlated or not, in a select list, WHERE, under OR), joins with a DISTINCT subquery in FROM,
 * and expressions that fail on some data (division by zero, overflow, bad casts), in select lists and before IN.
 * Each view names its output columns c0, c1, ... so PostgreSQL accepts it unchanged.
 */
public final class RandomViews {
    /**
     * -Dcircuit.inViews=true: every view a subquery view, two in three with a one-column IN or NOT IN, the others a
     * scalar subquery, so a run exercises them (values before IN that may fail among them).
     */
    private static final boolean IN_VIEWS = Boolean.getBoolean("circuit.inViews");

    private final Random rnd;
    private final List<Rel> relations = new ArrayList<>();
    /** Whether the view being generated has an expression that can fail on some data. */
    private boolean mayFail;
    /** The views with a subquery, or reading one (see {@link #scalarRelation}). */
    private final Set<String> subplanned = new HashSet<>();
    /** Whether the view being generated has a correlated scalar subquery (see {@link #next}). */
    private boolean correlatedScalar;
    /** Whether the view last generated has a value before IN that may fail (see {@link #failingBeforeIn}). */
    private boolean failingIn;

    public RandomViews(Random rnd, RandomSchema schema) {
        this.rnd = rnd;
        relations.addAll(schema.tables);
    }

    /** A typed expression in SQL text. */
    private record Ex(String sql, Kind kind) {}

    /** The SQL of a new random view, which later views may read under the given name. */
    public String next(String name) {
        mayFail = false;
        correlatedScalar = false;
        failingIn = false;
        Rel source = relations.get(rnd.nextInt(relations.size()));
        List<Ex> out = new ArrayList<>();
        String sql;
        switch (IN_VIEWS ? 7 + rnd.nextInt(3) : rnd.nextInt(10)) {
            case 0:
            case 1:
                sql = join(out);
                break;
            case 2:
                sql = groupBy(source, out);
                break;
            case 3:
                sql = globalAggregate(source, out);
                break;
            case 4:
                sql = distinct(source, out);
                break;
            case 5:
                sql = topK(source, out);
                break;
            case 6:
                sql = unionAll(out);
                break;
            case 7:
            case 8:
                sql = rnd.nextInt(3) == 0 ? scalarSubquery(source, out) : subquery(source, out);
                break;
            default:
                sql = IN_VIEWS ? subquery(source, out) : filterProject(source, out);
                break;
        }
        List<Col> cols = new ArrayList<>();
        for (int i = 0; i < out.size(); i++) {
            cols.add(new Col("c" + i, out.get(i).kind(), true));
        }
        // A view that may fail is not read by later views: PostgreSQL inlines views and pushes an outer
        // WHERE on a computed column below the inner view's joins and filters, so whether it fails then
        // depends on its plan (it may evaluate the expression on rows the inner view never outputs).
        // Nor one with a correlated scalar subquery: PostgreSQL runs it once per row of the view's outer relation, for
        // each row a later view's subquery or join reads (a scenario took minutes).
        if (!mayFail && !correlatedScalar) relations.add(new Rel(name, cols, List.of(), true));
        if (sql.contains("(SELECT ") || subplanned.stream().anyMatch(v -> sql.contains(" " + v + " ")))
            subplanned.add(name);
        return sql;
    }

    private static String select(List<Ex> out) {
        StringBuilder sb = new StringBuilder("SELECT ");
        for (int i = 0; i < out.size(); i++) {
            sb.append(i > 0 ? ", " : "")
                    .append(out.get(i).sql())
                    .append(" AS c")
                    .append(i);
        }
        return sb.toString();
    }

    private Col pick(Rel r, Predicate<Col> p) {
        List<Col> cs = r.cols().stream().filter(p).toList();
        return cs.isEmpty() ? null : cs.get(rnd.nextInt(cs.size()));
    }

    private Ex column(Rel r, String alias, Predicate<Col> p) {
        Col c = pick(r, p);
        return c == null ? null : new Ex(alias + "." + c.name(), c.kind());
    }

    private Ex anyColumn(Rel r, String alias) {
        return column(r, alias, c -> true);
    }

    /** A scalar expression over one relation. */
    private Ex expr(Rel r, String a) {
        Ex c = anyColumn(r, a);
        switch (rnd.nextInt(13)) {
            case 0:
                if (c.kind().integer()) return new Ex("(" + c.sql() + " / 2)", c.kind());
                if (c.kind() == Kind.REAL) {
                    // real * integer is a float8; real * real a float4, which 2e38 * 2 overflows.
                    if (rnd.nextBoolean()) return new Ex("(" + c.sql() + " * 2)", Kind.DBL);
                    mayFail = true;
                    return new Ex("(" + c.sql() + " * CAST(2 AS REAL))", Kind.REAL);
                }
                if (c.kind().numeric()) {
                    mayFail |= c.kind() == Kind.DBL; // 1e308 * 2 overflows
                    return new Ex("(" + c.sql() + " * 2)", c.kind());
                }
                return c;
            case 1:
                if (c.kind().integer()) return new Ex("(" + c.sql() + " % 3) - " + c.sql(), c.kind());
                // Text, now and then with a trailing blank that a comparison with CHAR(3) sees (text's =, not
                // bpchar's).
                if (c.kind().string())
                    return new Ex("(" + c.sql() + (rnd.nextBoolean() ? " || 'x')" : " || ' ')"), Kind.STR);
                return c;
            case 2:
                if (c.kind().string()) {
                    return new Ex((rnd.nextBoolean() ? "UPPER(" : "LOWER(") + c.sql() + ")", Kind.STR);
                }
                if (c.kind() == Kind.NUM) {
                    // A literal keeps its own scale (0, 1.50, one of 20 to 30 digits) beside the column's values.
                    String other = new String[] {
                                column(r, a, x -> x.kind() == c.kind()).sql(), "0", "1.50", RandomSchema.longNumber(rnd)
                            }
                            [rnd.nextInt(4)];
                    return new Ex("COALESCE(" + c.sql() + ", " + other + ")", c.kind());
                }
                if (c.kind() == Kind.DEC) {
                    // Only a literal of scale 2: DEC values, grouped as they are, all have that scale.
                    String other = rnd.nextBoolean()
                            ? column(r, a, x -> x.kind() == c.kind()).sql()
                            : "1.50";
                    return new Ex("COALESCE(" + c.sql() + ", " + other + ")", c.kind());
                }
                if (c.kind() == Kind.REAL) {
                    // A numeric or integer beside a real is a real (1.00000001 is 1), in CASE as in COALESCE (a long
                    // decimal only: a whole one would keep a float4 SUM exact only while it is the column's one huge
                    // value).
                    Ex dec = column(r, a, x -> x.kind() == Kind.DEC);
                    String other = new String[] {
                                "0", "1.00000001", "2.5", dec == null ? "-1" : dec.sql(), RandomSchema.longDecimal(rnd)
                            }
                            [rnd.nextInt(5)];
                    return new Ex(
                            rnd.nextBoolean()
                                    ? "COALESCE(" + c.sql() + ", " + other + ")"
                                    : "CASE WHEN " + c.sql() + " IS NULL THEN " + other + " ELSE " + c.sql() + " END",
                            Kind.REAL);
                }
                if (c.kind().integer() && rnd.nextBoolean()) {
                    // NULLIF(integer, numeric) is a numeric (the = promotes its left side), NULLIF(integer, float) a
                    // float8.
                    Ex other = column(r, a, x -> x.kind() == Kind.DEC || x.kind() == Kind.DBL);
                    if (other != null)
                        return new Ex(
                                "NULLIF(" + c.sql() + ", " + other.sql() + ")",
                                other.kind() == Kind.DBL ? Kind.DBL : Kind.NUM);
                }
                if (c.kind().numeric()) return new Ex("COALESCE(" + c.sql() + ", 0)", c.kind());
                if (c.kind() == Kind.TS) return new Ex("CAST(" + c.sql() + " AS DATE)", Kind.DATE);
                return c;
            case 3:
                return new Ex("CASE WHEN " + predicate(r, a, 1) + " THEN " + c.sql() + " ELSE NULL END", c.kind());
            case 4:
                return new Ex(predicate(r, a, 1), Kind.BOOL);
            case 5:
                // A CHAR(3) as text loses its blanks and then compares as text, not as bpchar.
                if ((c.kind().bpchar() || c.kind().integer()) && rnd.nextInt(3) == 0)
                    return new Ex("CAST(" + c.sql() + " AS TEXT)", Kind.STR);
                if (c.kind().integer()
                        || c.kind() == Kind.TS
                        || c.kind().bpchar()
                        || c.kind() == Kind.DBL
                        || c.kind() == Kind.NUM
                        || c.kind() == Kind.REAL) {
                    return new Ex("CAST(" + c.sql() + " AS VARCHAR)", Kind.STR);
                }
                if (c.kind() == Kind.DEC) return new Ex("CAST(" + c.sql() + " AS INT)", Kind.INT);
                if (c.kind() == Kind.DATE) return new Ex("CAST(" + c.sql() + " AS TIMESTAMP)", Kind.TS);
                return c;
            case 6: {
                Ex d = column(r, a, x -> x.kind().numeric());
                if (c.kind().numeric() && d != null && c.kind() == d.kind()) {
                    mayFail |= c.kind().integer()
                            || c.kind() == Kind.DBL
                            || c.kind() == Kind.REAL; // overflows at the ends of the type's range
                    return new Ex("(" + c.sql() + (rnd.nextBoolean() ? " + " : " - ") + d.sql() + ")", c.kind());
                }
                return c;
            }
            case 7:
                return stringTyping(r, a, c);
            case 8:
                return charCast(c);
            case 9:
            case 10:
                return failing(r, a, c);
            case 11:
                return dateText(r, a, c);
            case 12:
                return mixedBpchar(r, a, c);
            default:
                return c;
        }
    }

    /** A 3-character CHAR literal: the same length as the CHAR(3) columns, so a bpchar of it stays CHAR(3). */
    private String charLiteral() {
        return new String[] {"'abc'", "'zz '", "'a  '", "'B  '"}[rnd.nextInt(4)];
    }

    /** A string literal of another length: in a bpchar it keeps its own ('a', 'zz'). */
    private String shortLiteral() {
        return new String[] {"'a'", "'zz'", "'a '", "''"}[rnd.nextInt(4)];
    }

    /**
     * CASE, COALESCE and NULLIF over CHAR(3) and VARCHAR values and literals, typed as PostgreSQL does
     * (CASE by its ELSE, COALESCE by its first argument; bpchar keeps its blanks, text loses them). A bpchar
     * of CHAR(3) values and VARCHARs or shorter literals holds 'a  ' and 'a' alike ({@link Kind#BP}).
     */
    private Ex stringTyping(Rel r, String a, Ex c) {
        Ex ch = column(r, a, x -> x.kind().bpchar());
        Ex str = column(r, a, x -> x.kind() == Kind.STR);
        if (!c.kind().string()) c = ch != null ? ch : str;
        if (c == null) return anyColumn(r, a);
        String p = predicate(r, a, 1);
        switch (rnd.nextInt(6)) {
            case 0: // bpchar: a CHAR(3) column, a CHAR(3), a shorter literal, a VARCHAR or NULL
                if (ch == null) return c;
                switch (rnd.nextInt(4)) {
                    case 0:
                        return new Ex(
                                "CASE WHEN " + p + " THEN " + charLiteral() + " ELSE " + ch.sql() + " END", ch.kind());
                    case 1:
                        return new Ex("CASE WHEN " + p + " THEN " + ch.sql() + " ELSE " + ch.sql() + " END", ch.kind());
                    case 2:
                        return new Ex(
                                "CASE WHEN " + p + " THEN " + shortLiteral() + " ELSE " + ch.sql() + " END", Kind.BP);
                    default:
                        if (str == null) return c;
                        return new Ex("CASE WHEN " + p + " THEN " + str.sql() + " ELSE " + ch.sql() + " END", Kind.BP);
                }
            case 1:
                if (ch == null) return c;
                switch (rnd.nextInt(4)) {
                    case 0:
                        return new Ex("COALESCE(" + ch.sql() + ", " + charLiteral() + ")", ch.kind());
                    case 1:
                        return new Ex("COALESCE(" + ch.sql() + ", " + shortLiteral() + ")", Kind.BP);
                    case 2:
                        return new Ex(
                                "COALESCE(" + ch.sql() + ", " + (str != null ? str.sql() : ch.sql()) + ")", Kind.BP);
                    default:
                        return new Ex("COALESCE(" + ch.sql() + ", " + ch.sql() + ")", ch.kind());
                }
            case 2: // text: the VARCHAR decides (CASE's ELSE, COALESCE's first argument), the CHAR(3) loses its blanks
                if (ch == null || str == null) return c;
                return rnd.nextBoolean()
                        ? new Ex("CASE WHEN " + p + " THEN " + ch.sql() + " ELSE " + str.sql() + " END", Kind.STR)
                        : new Ex("COALESCE(" + str.sql() + ", " + ch.sql() + ")", Kind.STR);
            case 3:
                if (c.kind() == Kind.STR && ch != null) {
                    // NULLIF(varchar, char) is bpchar in PostgreSQL (each value keeps its padding); of a TEXT, text.
                    String nullIf = "NULLIF(" + c.sql() + ", " + ch.sql() + ")";
                    return rnd.nextBoolean()
                            ? new Ex("CAST(" + nullIf + " AS VARCHAR)", Kind.STR)
                            : new Ex(nullIf, Kind.BP);
                }
                // NULLIF(varchar, 'x') is text; NULLIF(char, 'x') bpchar.
                return new Ex(
                        "NULLIF(" + c.sql() + ", "
                                + (c.kind().bpchar() ? charLiteral() : RandomSchema.literal(rnd, Kind.STR)) + ")",
                        c.kind());
            case 4: // literals only: text, not padded
                return new Ex("CASE WHEN " + p + " THEN 'a' ELSE 'bb ' END", Kind.STR);
            default:
                return new Ex("CASE WHEN " + p + " THEN " + c.sql() + " END", c.kind());
        }
    }

    /**
     * A bpchar holding CHAR(3) values and VARCHARs or literals of other lengths, so one value comes in
     * several paddings ('a  ' from the CHAR(3), 'a' from the VARCHAR), each row showing its own.
     */
    private Ex mixedBpchar(Rel r, String a, Ex c) {
        Ex ch = column(r, a, x -> x.kind().bpchar());
        Ex str = column(r, a, x -> x.kind() == Kind.STR);
        if (ch == null) return c;
        String other = str != null && rnd.nextInt(3) != 0 ? str.sql() : shortLiteral();
        switch (rnd.nextInt(3)) {
            case 0:
                return new Ex("COALESCE(" + ch.sql() + ", " + other + ")", Kind.BP);
            case 1:
                return new Ex(
                        "CASE WHEN " + predicate(r, a, 1) + " THEN " + other + " ELSE " + ch.sql() + " END", Kind.BP);
            default:
                return str == null ? c : new Ex("NULLIF(" + str.sql() + ", " + ch.sql() + ")", Kind.BP);
        }
    }

    /**
     * A NUMERIC result whose scale PostgreSQL derives from its inputs: COALESCE or CASE with a literal (its own
     * scale), a product by 1.0 (the scales added), CAST to NUMERIC(12,1) (rounded half away from zero), a float8 as
     * numeric (the digits of its 15-digit text: 100.0 is 100). Those of another scale than DEC's are NUM.
     */
    private Ex numericScale(Rel r, String a) {
        Ex c = column(
                r,
                a,
                x -> x.kind() == Kind.DEC || x.kind() == Kind.NUM || x.kind() == Kind.DBL || x.kind() == Kind.REAL);
        if (c == null) return null;
        if (c.kind() == Kind.DBL || c.kind() == Kind.REAL) return new Ex("CAST(" + c.sql() + " AS NUMERIC)", Kind.NUM);
        switch (rnd.nextInt(5)) {
            case 0:
                return new Ex(
                        "COALESCE(" + c.sql() + ", " + (c.kind() == Kind.NUM && rnd.nextBoolean() ? "0" : "1.50") + ")",
                        c.kind());
            case 1:
                return new Ex("(" + c.sql() + " * 1.0)", Kind.NUM);
            case 2:
                return new Ex("CAST(" + c.sql() + " AS NUMERIC(12,1))", Kind.NUM);
            default:
                return numericCase(r, a, c);
        }
    }

    /** Numeric literals of several scales, a negative one and arithmetic of literals; the first two have DEC's scale 2. */
    private static final String[] NUMERIC_LITERALS = {"1.50", "-2.25", "0", "7", "-1.5", "0 + 1", "2.500"};

    /** One of {@link #NUMERIC_LITERALS}, or now and then a number of 20 to 30 digits (never of scale 2). */
    private String numericLiteral() {
        return rnd.nextInt(6) == 0
                ? RandomSchema.longNumber(rnd)
                : NUMERIC_LITERALS[rnd.nextInt(NUMERIC_LITERALS.length)];
    }

    /**
     * A CASE with a numeric literal as its THEN or its ELSE beside a NUMERIC column: PostgreSQL keeps the
     * literal's own scale (THEN 0 is 0, not 0.000000). Only a literal of scale 2 beside a DEC column keeps DEC.
     */
    private Ex numericCase(Rel r, String a, Ex c) {
        String literal = numericLiteral();
        Kind kind = c.kind() == Kind.DEC && literal.matches("-?\\d+\\.\\d\\d") ? Kind.DEC : Kind.NUM;
        switch (rnd.nextInt(3)) {
            case 0:
                return new Ex(
                        "CASE WHEN " + predicate(r, a, 1) + " THEN " + literal + " ELSE " + c.sql() + " END", kind);
            case 1:
                return new Ex(
                        "CASE WHEN " + predicate(r, a, 1) + " THEN " + c.sql() + " ELSE " + literal + " END", kind);
            default:
                return new Ex("CASE " + c.sql() + " WHEN 1.50 THEN " + literal + " ELSE " + c.sql() + " END", kind);
        }
    }

    /** A written CAST to CHAR(n): PostgreSQL pads to n and cuts a longer text; read as is or through VARCHAR. */
    private Ex charCast(Ex c) {
        int n = 1 + rnd.nextInt(5);
        String cast = "CAST(" + c.sql() + " AS CHAR(" + n + "))";
        switch (rnd.nextInt(3)) {
            case 0:
                return new Ex("CAST(" + c.sql() + " AS CHAR(3))", Kind.CH);
            case 1:
                return new Ex(cast, n == 3 ? Kind.CH : Kind.BP); // another length than the CHAR(3) columns
            default:
                return new Ex("CAST(" + cast + " AS VARCHAR)", Kind.STR);
        }
    }

    /** Text forms of 2024-01-0D that PostgreSQL reads the same under every DateStyle (see {@link #dateText}). */
    private static final String[] DATE_TEXTS = {
        "'Jan ' || D || ', 2024'",
        "'2024/01/0' || D",
        "'2024.01.0' || D",
        "'2024010' || D",
        "D || '-Jan-2024'",
        "'Monday, January ' || D || ', 2024'",
        "'2024-Jan-0' || D || ' 10:30 PM'",
        "'2024-01-0' || D || 'T10:30:15.1234567'",
        "'2024-01-0' || D || ' 24:00'",
        "'jan ' || D || ' 2024 12:00 AM'",
        "'2024-01-0' || D || ' 10:30:00+02'",
        "'2024-01-0' || D || ' 10:30:59.9999999'",
        "'24010' || D",
        "'2024.00' || D",
        "'J246031' || D || ' 10:30'"
    };

    /** A CAST of text built from an integer column (the day D, 1 to 5) to DATE or TIMESTAMP. */
    private Ex dateText(Rel r, String a, Ex c) {
        Ex n = column(r, a, x -> x.kind().integer());
        if (n == null) return c;
        String day = "CAST(((" + n.sql() + " % 3) + 3) AS VARCHAR)";
        String text = DATE_TEXTS[rnd.nextInt(DATE_TEXTS.length)].replace("D", day);
        boolean date = rnd.nextBoolean();
        return new Ex("CAST(" + text + " AS " + (date ? "DATE" : "TIMESTAMP") + ")", date ? Kind.DATE : Kind.TS);
    }

    /**
     * An expression that fails on some data, as in PostgreSQL: integer division or modulo by a column that
     * may be 0, negation of a column that may be the type's minimum, or a cast of text to an integer.
     * Only in select lists, which both engines evaluate for exactly the rows passing WHERE and ON (the
     * order of AND/OR operands in a condition is the planner's choice in PostgreSQL).
     */
    private Ex failing(Rel r, String a, Ex c) {
        mayFail |= c.kind() == Kind.STR || c.kind().integer();
        if (c.kind() == Kind.STR) {
            return new Ex(
                    "CASE WHEN " + c.sql() + " IN ('7', ' -2', 'zz') THEN CAST(" + c.sql() + " AS INT) END", Kind.INT);
        }
        if (!c.kind().integer()) return c;
        Ex d = column(r, a, x -> x.kind() == c.kind());
        switch (rnd.nextInt(3)) {
            case 0:
                return new Ex("(" + c.sql() + " / " + d.sql() + ")", c.kind());
            case 1:
                return new Ex("(" + c.sql() + " % " + d.sql() + ")", c.kind());
            default:
                return new Ex("(- " + c.sql() + ")", c.kind());
        }
    }

    /** Whether the view last generated has a value before IN that may fail. */
    boolean failingIn() {
        return failingIn;
    }

    /** Forgets the view last generated (its creation was refused), so later views do not read it. */
    void discard(String name) {
        relations.removeIf(r -> r.name().equals(name));
    }

    /**
     * A string's IN or NOT IN list of 20 to 30 literals, which Calcite plans as an IN over a VALUES relation rather
     * than as comparisons (a list's strings compared with CHAR(3) lose their trailing blanks as bpchar's do: 'a ' finds
     * 'a  '), or, where a subquery may be ({@code subquery}), written as IN (VALUES ...), whose strings PostgreSQL
     * types text, so a CHAR(3) compares as text there ('a ' does not find 'a  ').
     */
    private String longInList(Ex c, boolean subquery) {
        List<String> literals = new ArrayList<>();
        for (int i = 20 + rnd.nextInt(11); i > 0; i--) {
            literals.add(
                    rnd.nextInt(3) == 0
                            ? shortLiteral()
                            : c.kind().bpchar() && rnd.nextBoolean()
                                    ? charLiteral()
                                    : RandomSchema.literal(rnd, c.kind()));
        }
        String in = c.sql() + (rnd.nextInt(3) == 0 ? " NOT IN (" : " IN (");
        if (subquery && rnd.nextBoolean()) return in + "VALUES (" + String.join("), (", literals) + "))";
        return in + String.join(", ", literals) + ")";
    }

    /** A boolean condition over one relation; depth bounds AND/OR/NOT nesting. */
    private String predicate(Rel r, String a, int depth) {
        int choice = rnd.nextInt(depth > 0 ? 8 : 5);
        Ex c = anyColumn(r, a);
        switch (choice) {
            case 0:
                return c.sql() + (rnd.nextBoolean() ? " IS NULL" : " IS NOT NULL");
            case 1:
            case 2:
                if (c.kind() == Kind.BOOL) return rnd.nextBoolean() ? c.sql() : "NOT " + c.sql();
                return c.sql() + " " + comparator() + " " + RandomSchema.literal(rnd, c.kind());
            case 3:
                if (c.kind() == Kind.BOOL) return c.sql() + " = TRUE";
                if (c.kind().string() && rnd.nextBoolean()) return longInList(c, depth > 0);
                return c.sql() + " IN (" + RandomSchema.literal(rnd, c.kind()) + ", "
                        + RandomSchema.literal(rnd, c.kind()) + ")";
            case 4: {
                // Now and then CHAR(3) with VARCHAR, which PostgreSQL compares as bpchar (no trailing blanks count),
                // or with text (a view's || or LOWER, a TEXT column) as text.
                boolean mixed = c.kind().string() && rnd.nextBoolean();
                Predicate<Col> other = !mixed
                        ? x -> x.kind() == c.kind()
                        : c.kind().bpchar()
                                ? x -> x.kind() == Kind.STR
                                : x -> x.kind().bpchar();
                Col d = pick(r, other);
                if (d == null) d = pick(r, x -> x.kind() == c.kind());
                return c.sql() + " " + comparator() + " " + a + "." + d.name();
            }
            case 5:
                return "(" + predicate(r, a, depth - 1) + " AND " + predicate(r, a, depth - 1) + ")";
            case 6:
                return "(" + predicate(r, a, depth - 1) + " OR " + predicate(r, a, depth - 1) + ")";
            default:
                return "NOT (" + predicate(r, a, depth - 1) + ")";
        }
    }

    private String comparator() {
        return new String[] {"=", "<>", "<", "<=", ">", ">="}[rnd.nextInt(6)];
    }

    private String where(Rel r, String a) {
        if (rnd.nextInt(3) == 0) return "";
        Col ch = pick(r, c -> c.kind().bpchar());
        Col str = pick(r, c -> c.kind() == Kind.STR);
        if (r.isView() && ch != null && str != null && rnd.nextBoolean()) {
            // A view's string column may be varchar (compared with CHAR as bpchar) or text (as text).
            return " WHERE " + a + "." + ch.name() + " " + comparator() + " " + a + "." + str.name();
        }
        return " WHERE " + predicate(r, a, 2);
    }

    private String filterProject(Rel r, List<Ex> out) {
        int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(expr(r, "a"));
        }
        if (rnd.nextBoolean()) out.add(mixedBpchar(r, "a", anyColumn(r, "a")));
        Ex scaled = rnd.nextInt(3) == 0 ? numericScale(r, "a") : null;
        if (scaled != null) out.add(scaled);
        Ex ch = column(r, "a", c -> c.kind().bpchar());
        Ex text = column(r, "a", c -> c.kind().string());
        if (ch != null && rnd.nextBoolean()) {
            // A CHAR(3) beside text with trailing blanks: views over this one compare them as text, not bpchar.
            out.add(ch);
            out.add(new Ex("(" + text.sql() + " || ' ')", Kind.STR));
        }
        return select(out) + " FROM " + r.name() + " a" + where(r, "a");
    }

    private Rel relation() {
        return relations.get(rnd.nextInt(relations.size()));
    }

    private String join(List<Ex> out) {
        if (rnd.nextInt(3) == 0) return distinctJoin(out);
        Rel l = relation();
        Rel r = relation();
        Col lk = pick(l, c -> c.kind().integer());
        Col rk = pick(r, c -> c.kind().integer());
        if (lk == null || rk == null) return filterProject(l, out);
        String type =
                switch (rnd.nextInt(6)) {
                    case 0, 1 -> "JOIN";
                    case 2, 3 -> "LEFT JOIN";
                    case 4 -> "RIGHT JOIN";
                    default -> "FULL JOIN";
                };
        boolean left = !type.equals("JOIN");
        // PostgreSQL runs a FULL JOIN only on conditions it can merge or hash: equalities alone.
        boolean full = type.equals("FULL JOIN");
        String on = "a." + lk.name() + " = b." + rk.name();
        Ex ln = column(l, "a", c -> c.kind().numeric());
        Ex rn = column(r, "b", c -> c.kind().numeric());
        if (!full && ln != null && rn != null && rnd.nextInt(5) == 0) {
            on = ln.sql() + " " + comparator() + " " + rn.sql(); // no equality: every pair is tested
        } else if (!full && rnd.nextBoolean() && ln != null && rn != null) {
            on += " AND " + ln.sql() + " " + comparator() + " " + rn.sql();
        }
        if (!full
                && rnd.nextInt(4)
                        == 0) { // an IN over the left or the right side decides the match (an outer join keeps the row)
            boolean overLeft = rnd.nextBoolean();
            String in = in(
                    overLeft ? l : r,
                    overLeft ? "a" : "b",
                    relation(),
                    "",
                    left ? Correlation.NONE : Correlation.ONE_LEVEL,
                    false);
            if (in != null) on += " AND " + in;
        }
        out.add(anyColumn(l, "a"));
        out.add(anyColumn(r, "b"));
        if (rnd.nextBoolean()) out.add(expr(r, "b"));
        if (rnd.nextInt(4) == 0) out.add(mixedBpchar(l, "a", anyColumn(l, "a")));
        return select(out) + " FROM " + l.name() + " a " + type + " " + r.name() + " b ON " + on
                + (rnd.nextInt(3) == 0 ? " WHERE " + predicate(l, "a", 1) : "");
    }

    /**
     * A join with a DISTINCT subquery in FROM that selects only left columns: still a join, so a left row
     * appears once per distinct value it matches (a CHAR(3) 'a' matches both VARCHARs 'a' and 'a ').
     */
    private String distinctJoin(List<Ex> out) {
        Rel l = relation();
        Rel r = relation();
        Col lk = pick(l, c -> c.kind().integer());
        Col rk = pick(r, c -> c.kind().integer());
        if (rnd.nextInt(3) != 0) { // mostly a CHAR(3) against VARCHARs, of which several distinct ones may match
            Col ls = pick(l, c -> c.kind().bpchar());
            Col rs = pick(r, c -> c.kind() == Kind.STR);
            if (ls == null || rs == null) {
                ls = pick(l, c -> c.kind().string());
                rs = pick(r, c -> c.kind().string());
            }
            if (ls != null && rs != null) {
                lk = ls;
                rk = rs;
            }
        }
        if (lk == null || rk == null) return filterProject(l, out);
        out.add(anyColumn(l, "a"));
        if (rnd.nextBoolean()) out.add(anyColumn(l, "a"));
        Ex key = withoutSpelling(new Ex("d." + rk.name(), rk.kind()));
        String values = rnd.nextInt(4) == 0 // the shape of a decorrelated EXISTS: grouped keys and a TRUE flag
                ? "SELECT " + key.sql() + " AS k, TRUE AS f FROM " + r.name() + " d" + where(r, "d") + " GROUP BY "
                        + key.sql()
                : "SELECT DISTINCT " + key.sql() + " AS k FROM " + r.name() + " d" + where(r, "d");
        return select(out) + " FROM " + l.name() + " a JOIN (" + values + ") b ON a." + lk.name() + " = b.k"
                + (rnd.nextInt(3) == 0 ? " WHERE " + predicate(l, "a", 1) : "");
    }

    private Ex aggregate(Rel r) {
        Ex num = column(r, "a", c -> c.kind().numeric());
        Ex ord = column(
                r, "a", c -> c.kind() != Kind.BOOL && c.kind() != Kind.BP && c.kind() != Kind.NUM); // see Kind.BP, NUM
        int choice = rnd.nextInt(6);
        if (ord == null && choice >= 4) choice = 0;
        switch (choice) {
            case 0:
                return new Ex("COUNT(*)", Kind.BIGINT);
            case 1:
                return new Ex("COUNT(" + anyColumn(r, "a").sql() + ")", Kind.BIGINT);
            case 2:
                if (num == null) return new Ex("COUNT(*)", Kind.BIGINT);
                mayFail |= num.kind() == Kind.REAL; // two 2e38 overflow a float4 sum
                return new Ex(
                        "SUM(" + num.sql() + ")",
                        num.kind() == Kind.INT
                                ? Kind.BIGINT
                                : num.kind() == Kind.DBL || num.kind() == Kind.NUM || num.kind() == Kind.REAL
                                        ? num.kind()
                                        : Kind.DEC);
            case 3:
                if (num == null) return new Ex("COUNT(*)", Kind.BIGINT);
                return new Ex(
                        "AVG(" + num.sql() + ")",
                        num.kind() == Kind.DBL || num.kind() == Kind.REAL
                                ? Kind.DBL
                                : num.kind() == Kind.NUM ? num.kind() : Kind.DEC);
            case 4:
                return new Ex("MIN(" + ord.sql() + ")", ord.kind());
            default:
                return new Ex("MAX(" + ord.sql() + ")", ord.kind());
        }
    }

    /**
     * A column to group, deduplicate or order by: a mixed bpchar or an unconstrained NUMERIC only as VARCHAR,
     * since PostgreSQL shows one row of several equal ones spelled as the one it met first (see
     * {@link Kind#BP}, {@link Kind#NUM}).
     */
    private Ex keyColumn(Rel r, String alias) {
        return withoutSpelling(anyColumn(r, alias));
    }

    private static Ex withoutSpelling(Ex e) {
        return e.kind() == Kind.BP || e.kind() == Kind.NUM ? new Ex("CAST(" + e.sql() + " AS VARCHAR)", Kind.STR) : e;
    }

    private String groupBy(Rel r, List<Ex> out) {
        Ex g = keyColumn(r, "a");
        out.add(g);
        Ex g2 = rnd.nextBoolean() ? keyColumn(r, "a") : null;
        if (g2 != null && !g2.sql().equals(g.sql())) out.add(g2);
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(aggregate(r));
        }
        String having = rnd.nextInt(3) == 0 ? " HAVING COUNT(*) > 1" : "";
        String groups =
                out.get(0).sql() + (out.size() > 1 + n ? ", " + out.get(1).sql() : "");
        return select(out) + " FROM " + r.name() + " a" + where(r, "a") + " GROUP BY " + groups + having;
    }

    private String globalAggregate(Rel r, List<Ex> out) {
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            out.add(aggregate(r));
        }
        return select(out) + " FROM " + r.name() + " a" + where(r, "a");
    }

    private String distinct(Rel r, List<Ex> out) {
        out.add(withoutSpelling(expr(r, "a")));
        if (rnd.nextBoolean()) out.add(keyColumn(r, "a"));
        return select(out).replaceFirst("SELECT ", "SELECT DISTINCT ") + " FROM " + r.name() + " a" + where(r, "a");
    }

    private String topK(Rel r, List<Ex> out) {
        out.add(keyColumn(r, "a"));
        out.add(keyColumn(r, "a"));
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < out.size(); i++) {
            order.append(i > 0 ? ", " : "").append("c").append(i).append(rnd.nextBoolean() ? " DESC" : "");
        }
        return select(out) + " FROM " + r.name() + " a" + where(r, "a") + " ORDER BY " + order + " LIMIT "
                + (1 + rnd.nextInt(4));
    }

    private String unionAll(List<Ex> out) {
        Rel l = relation();
        Rel r = relation();
        Ex a = column(l, "a", c -> c.kind() == Kind.INT);
        Ex b = column(r, "b", c -> c.kind() == Kind.INT);
        if (rnd.nextBoolean()) {
            // Strings: PostgreSQL types the column by the first input; VARCHAR then CHAR(3) is varchar (the CHAR
            // values lose their blanks), CHAR(3) then VARCHAR bpchar (each value keeps its padding).
            Ex s = column(l, "a", c -> c.kind().string());
            Ex t = s == null ? null : column(r, "b", c -> c.kind().string());
            if (t != null) {
                a = s.kind() == t.kind() || s.kind() == Kind.STR ? s : new Ex(s.sql(), Kind.BP);
                b = t;
            }
        }
        if (rnd.nextInt(4) == 0) {
            // A numeric literal beside a NUMERIC column, in either input: it keeps its own scale.
            Ex s = column(l, "a", c -> c.kind() == Kind.DEC || c.kind() == Kind.NUM);
            Ex t = s == null ? null : column(r, "b", c -> c.kind() == Kind.DEC || c.kind() == Kind.NUM);
            if (t != null) {
                String literal = numericLiteral();
                boolean first = rnd.nextBoolean();
                a = first ? new Ex(literal, Kind.NUM) : new Ex(s.sql(), Kind.NUM);
                b = first ? t : new Ex(literal, Kind.NUM);
            }
        }
        if (a == null || b == null) return filterProject(l, out);
        out.add(a);
        return select(out) + " FROM " + l.name() + " a" + where(l, "a") + " UNION ALL SELECT " + b.sql()
                + " AS c0 FROM " + r.name() + " b" + where(r, "b");
    }

    private String subquery(Rel l, List<Ex> out) {
        Rel r = relation();
        boolean in = IN_VIEWS || rnd.nextInt(3) != 0;
        out.add(anyColumn(l, "a"));
        out.add(anyColumn(l, "a"));
        String not = rnd.nextInt(3) < (in ? 2 : 1) ? "NOT " : ""; // NOT IN, with its NULL semantics, the most often
        String cond;
        if (in) {
            // IN under OR or NOT (its NULL counts there), or as a select list's column.
            int place = rnd.nextInt(6);
            // An IN nested in a NOT IN's subquery or in a non-plain one is not correlated two levels out (refused).
            // Correlated by another comparison than '=' anywhere (under NOT or in a select list it goes through
            // Calcite's rewrite, whose distinct values compare a VARCHAR as bpchar with a CHAR(3)).
            cond = in(
                    l,
                    "a",
                    r,
                    not,
                    place > 2 && not.isEmpty() ? Correlation.TWO_LEVELS : Correlation.ANY_COMPARISON,
                    true);
            if (cond == null) return filterProject(l, out);
            switch (place) {
                case 0:
                    cond = "(" + cond + " OR " + predicate(l, "a", 0) + ")";
                    break;
                case 1:
                    cond = "NOT (" + cond + " AND " + predicate(l, "a", 0) + ")";
                    break;
                case 2:
                    out.add(new Ex(cond, Kind.BOOL));
                    cond = predicate(l, "a", 1);
                    break;
                default:
                    break;
            }
        } else {
            Col lk = pick(l, c -> c.kind().integer());
            Col rk = pick(r, c -> c.kind().integer());
            if (rnd.nextInt(3) == 0) {
                // A CHAR(3) against a VARCHAR, compared as bpchar: VARCHARs differing in trailing blanks match one row.
                Col ls = pick(l, c -> c.kind().bpchar());
                Col rs = pick(r, c -> c.kind() == Kind.STR);
                if (ls != null && rs != null) {
                    lk = ls;
                    rk = rs;
                }
            }
            if (lk == null || rk == null) return filterProject(l, out);
            String inner = r.name() + " b" + (rnd.nextBoolean() ? " WHERE " + predicate(r, "b", 1) : "");
            String corr = "b." + rk.name() + " = a." + lk.name();
            if (rnd.nextInt(3) == 0) {
                // Correlated by a comparison of a CHAR with a string or of a date with a timestamp (Calcite's rewrite).
                String mixed = mixedComparison(l, "a", r, "b", new String[] {"<", "<=", ">", ">="}[rnd.nextInt(4)]);
                if (mixed != null) corr = mixed;
            }
            cond = not + "EXISTS (SELECT 1 FROM " + inner + (inner.contains(" WHERE ") ? " AND " : " WHERE ") + corr
                    + ")";
            switch (rnd.nextInt(4)) {
                case 0:
                    cond = "(" + cond + " OR " + predicate(l, "a", 0) + ")";
                    break; // decorrelated as a left join
                case 1:
                    out.add(new Ex(cond, Kind.BOOL));
                    cond = predicate(l, "a", 1);
                    break;
                default:
                    break;
            }
            if (rnd.nextInt(3) == 0) {
                // An uncorrelated EXISTS beside the correlated one: Calcite's decorrelator made it TRUE even over
                // an empty relation (DecorrelationShield), in WHERE and in the select list.
                Rel u = relation();
                String plain = (rnd.nextBoolean() ? "NOT " : "") + "EXISTS (SELECT 1 FROM " + u.name() + " c"
                        + (rnd.nextBoolean() ? " WHERE " + predicate(u, "c", 1) : "") + ")";
                switch (rnd.nextInt(3)) {
                    case 0:
                        cond = "(" + cond + " OR " + plain + ")";
                        break;
                    case 1:
                        cond = cond + " AND " + plain;
                        break;
                    default:
                        out.add(new Ex(plain, Kind.BOOL));
                        break;
                }
            }
        }
        return select(out) + " FROM " + l.name() + " a WHERE " + cond;
    }

    /** How far an IN's subquery may refer to the outer row: a correlated subquery in a LEFT JOIN's ON is refused. */
    private enum Correlation {
        NONE,
        ONE_LEVEL,
        ANY_COMPARISON,
        TWO_LEVELS
    }

    /**
     * a.x [NOT] IN (SELECT b.y FROM r b ...) over comparable columns: integers, CHAR(3) against VARCHAR
     * (compared as bpchar: several VARCHARs differing in trailing blanks equal one CHAR), or NUMERICs of mixed
     * scales. Now and then correlated with a's row, and the subquery's WHERE holding an IN of its own,
     * correlated with a's row (two levels out) at times, as far as allowed. Null when the relations have no
     * such columns. failing: whether the value before IN may be one that fails on some rows ({@link #failingBeforeIn}).
     */
    private String in(Rel l, String a, Rel r, String not, Correlation correlation, boolean failing) {
        if (!IN_VIEWS && rnd.nextInt(4) == 0) {
            String row = rowIn(l, a, r, not, correlation);
            if (row != null) return row;
        }
        String b = "i" + a;
        // IN and NOT IN mostly compare nullable columns, so NULLs reach both sides of their three-valued logic.
        Col lk = pick(l, c -> c.kind().integer() && (c.nullable() || rnd.nextInt(4) == 0));
        Col rk = pick(r, c -> c.kind().integer() && (c.nullable() || rnd.nextInt(4) == 0));
        if (lk == null) lk = pick(l, c -> c.kind().integer());
        if (rk == null) rk = pick(r, c -> c.kind().integer());
        boolean strings = rnd.nextBoolean();
        if (rnd.nextBoolean()) {
            // Mostly a CHAR(3) against VARCHARs, several of which may equal it (as NUMERICs of several scales do).
            Col ls = strings
                    ? pick(l, c -> c.kind().bpchar())
                    : pick(l, c -> c.kind() == Kind.NUM || c.kind() == Kind.DEC);
            Col rs = strings
                    ? pick(r, c -> c.kind() == Kind.STR)
                    : pick(r, c -> c.kind() == Kind.NUM || c.kind() == Kind.DEC);
            if (strings && (ls == null || rs == null || rnd.nextInt(4) == 0)) {
                ls = pick(l, c -> c.kind().string());
                rs = pick(r, c -> c.kind().string());
            }
            if (ls != null && rs != null) {
                lk = ls;
                rk = rs;
            }
        }
        if (lk == null || rk == null) return null;
        List<String> where = new ArrayList<>();
        if (rnd.nextBoolean()) where.add(predicate(r, b, 1));
        Col lc = correlation != Correlation.NONE ? pick(l, c -> c.kind().integer()) : null;
        Col rc = pick(r, c -> c.kind().integer());
        boolean otherwiseCorrelated = false; // than through '=' in the subquery's own WHERE
        if (lc != null && rc != null && rnd.nextInt(3) == 0) {
            String op =
                    correlation.compareTo(Correlation.ANY_COMPARISON) >= 0 && rnd.nextInt(3) == 0 ? comparator() : "=";
            otherwiseCorrelated = !op.equals("=");
            String comparison = op.equals("=") || op.equals("<>") ? null : comparedCorrelation(l, a, r, b, op);
            where.add(comparison != null ? comparison : b + "." + rc.name() + " " + op + " " + a + "." + lc.name());
        }
        // Not beside a correlation by another comparison than '=' (that IN keeps Calcite's rewrite anyway).
        if (correlation != Correlation.NONE
                && where.stream().noneMatch(w -> w.contains(" " + a + ".") && !w.contains(" = "))
                && rnd.nextInt(2) == 0) {
            String computed = computedCorrelation(l, a, r, b);
            if (computed != null) where.add(computed);
        }
        if (rnd.nextInt(4) == 0) {
            Rel n = relation();
            Col rn = pick(r, c -> c.kind().integer());
            Col nn = pick(n, c -> c.kind().integer());
            Col nc = pick(n, c -> c.kind().integer());
            if (rn != null && nn != null) {
                String c = "n" + a;
                String nested = "SELECT " + c + "." + nn.name() + " FROM " + n.name() + " " + c;
                if (correlation == Correlation.TWO_LEVELS && lc != null && nc != null && rnd.nextBoolean()) {
                    nested += " WHERE " + c + "." + nc.name() + " = " + a + "." + lc.name();
                    otherwiseCorrelated = true;
                }
                where.add(b + "." + rn.name() + " IN (" + nested + ")");
            }
        }
        String x = a + "." + lk.name();
        boolean number = lk.kind().integer() || lk.kind() == Kind.DEC || lk.kind() == Kind.NUM;
        if (failing && number && !l.isView() && !otherwiseCorrelated && rnd.nextBoolean())
            x = failingBeforeIn(l, a, lk);
        return x + " " + not + "IN (SELECT " + b + "." + rk.name() + " FROM " + r.name() + " " + b
                + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + ")";
    }

    /**
     * A value before IN that fails on some rows, of x's type: x divided by a column of its type (0 now and then), an
     * integer added to one (overflow at the ends of the type's range), or an INT read from a string that is 'zz' at
     * times. PostgreSQL computes it only when the subquery has rows to compare it with. Over a table only: over a view
     * it estimates at a row or a few (an aggregate, a LIMIT) it may loop, or hash the rows instead of the subquery,
     * comparing it otherwise; and not in an IN correlated otherwise than by '=' in its own WHERE (by a comparison, or
     * two levels out through a nested IN), which keeps Calcite's rewrite, computing the value for other rows (see the
     * README).
     */
    private String failingBeforeIn(Rel l, String a, Col x) {
        mayFail = true;
        failingIn = true;
        Ex d = column(l, a, c -> c.kind() == x.kind());
        Ex s = column(l, a, c -> c.kind() == Kind.STR);
        String column = a + "." + x.name();
        if (!x.kind().integer()) return "(" + column + " / " + d.sql() + ")";
        switch (rnd.nextInt(3)) {
            case 0:
                return "(" + column + " / " + d.sql() + ")";
            case 1:
                return "(" + column + " + " + d.sql() + ")";
            default:
                if (s == null || x.kind() != Kind.INT) return "(" + column + " % " + d.sql() + ")";
                return "CASE WHEN " + s.sql() + " IN ('7', ' -2', 'zz') THEN CAST(" + s.sql() + " AS INT) END";
        }
    }

    /**
     * (a.x, a.z, ...) [NOT] IN (SELECT b.y, b.w, ... FROM r b ...), two or three pairs of comparable columns
     * (integers, strings, NUMERICs), mostly nullable so NULLs on both sides meet PostgreSQL's row comparison
     * ((1, NULL) against (1, 2) is NULL); now and then correlated by '=' with a's row. Null when the relations
     * have no such columns.
     */
    private String rowIn(Rel l, String a, Rel r, String not, Correlation correlation) {
        String b = "i" + a;
        List<String> xs = new ArrayList<>();
        List<String> ys = new ArrayList<>();
        for (int i = 2 + rnd.nextInt(4) / 3; i > 0; i--) {
            int family = rnd.nextInt(3);
            Predicate<Col> kind = family == 0
                    ? c -> c.kind().integer()
                    : family == 1 ? c -> c.kind().string() : c -> c.kind() == Kind.NUM || c.kind() == Kind.DEC;
            Col x = pick(l, c -> kind.test(c) && (c.nullable() || rnd.nextInt(4) == 0));
            Col y = pick(r, c -> kind.test(c) && (c.nullable() || rnd.nextInt(4) == 0));
            if (x == null || y == null) {
                x = pick(l, c -> c.kind().integer());
                y = pick(r, c -> c.kind().integer());
            }
            if (x == null || y == null) return null;
            xs.add(a + "." + x.name());
            ys.add(b + "." + y.name());
        }
        List<String> where = new ArrayList<>();
        if (rnd.nextBoolean()) where.add(predicate(r, b, 1));
        Col lc = correlation != Correlation.NONE ? pick(l, c -> c.kind().integer()) : null;
        Col rc = pick(r, c -> c.kind().integer());
        if (lc != null && rc != null && rnd.nextInt(3) == 0)
            where.add(b + "." + rc.name() + " = " + a + "." + lc.name());
        return "(" + String.join(", ", xs) + ") " + not + "IN (SELECT " + String.join(", ", ys) + " FROM " + r.name()
                + " " + b + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where)) + ")";
    }

    /**
     * A correlation '=' of computed values of the subquery's row (alias b) and the outer one (alias a) that
     * cannot fail, which an IN under OR or NOT, in a select list or a correlated NOT IN marks: an INT widened
     * before + 1, integer / 2, NUMERIC arithmetic against INT, NUMERIC or DOUBLE PRECISION values, LOWER,
     * UPPER, || and CHAR(3) casts of strings (text compares with CHAR(3) as text, a CHAR cast as bpchar), and
     * COALESCE; null when the relations have no such columns.
     */
    private String computedCorrelation(Rel l, String a, Rel r, String b) {
        switch (rnd.nextInt(3)) {
            case 0: {
                Ex x = column(r, b, c -> c.kind().integer());
                Ex y = column(l, a, c -> c.kind().integer());
                return x == null || y == null ? null : computedInteger(x) + " = " + computedInteger(y);
            }
            case 1: {
                Ex x = column(r, b, c -> c.kind().string());
                Ex y = column(l, a, c -> c.kind().string());
                String[] forms = {"LOWER(%s)", "UPPER(%s)", "(%s || 'x')", "CAST(%s AS CHAR(3))", "%s"};
                return x == null || y == null
                        ? null
                        : String.format(forms[rnd.nextInt(4)], x.sql()) + " = "
                                + String.format(forms[rnd.nextInt(5)], y.sql());
            }
            default: {
                Ex x = column(
                        r,
                        b,
                        c -> c.kind() == Kind.DEC
                                || c.kind() == Kind.NUM
                                || c.kind() == Kind.DBL
                                || c.kind().integer());
                Ex y = column(l, a, c -> c.kind() == Kind.DEC || c.kind() == Kind.NUM);
                if (x == null || y == null) return null;
                String inner = x.kind().integer() ? "CAST(" + x.sql() + " AS NUMERIC)" : x.sql();
                return inner + " = "
                        + String.format(
                                new String[] {"(%s * 2)", "(%s + 1.50)", "(%s - 1)", "COALESCE(%s, 0)"}[rnd.nextInt(4)],
                                y.sql());
            }
        }
    }

    /**
     * Now and then, a correlation by a comparison (op) of strings (text or varchar), of computed strings, of integers
     * computed without overflow or of values PostgreSQL compares after converting one ({@link #mixedComparison}):
     * Calcite's rewrite joins them through an ordered index. Null otherwise, or when the relations have no such columns.
     */
    private String comparedCorrelation(Rel l, String a, Rel r, String b, String op) {
        switch (rnd.nextInt(5)) {
            case 0: {
                Ex x = column(r, b, c -> c.kind() == Kind.STR);
                Ex y = column(l, a, c -> c.kind() == Kind.STR);
                return x == null || y == null ? null : x.sql() + " " + op + " " + y.sql();
            }
            case 1: {
                Ex x = column(r, b, c -> c.kind() == Kind.STR);
                Ex y = column(l, a, c -> c.kind() == Kind.STR);
                return x == null || y == null ? null : "UPPER(" + x.sql() + ") " + op + " (" + y.sql() + " || 'b')";
            }
            case 2: {
                Ex x = column(r, b, c -> c.kind().integer());
                Ex y = column(l, a, c -> c.kind().integer());
                return x == null || y == null ? null : computedInteger(x) + " " + op + " " + computedInteger(y);
            }
            case 3:
                return mixedComparison(l, a, r, b, op);
            default:
                return null;
        }
    }

    /**
     * b.y op a.x for a CHAR(3) or mixed bpchar value against a CHAR, VARCHAR (compared as bpchar: 'a' = 'a ') or TEXT
     * one (as text: 'a' &lt; 'a '), or a date against a timestamp (as timestamps, the date at midnight), either
     * kind on either side; null when the relations have no such columns.
     */
    private String mixedComparison(Rel l, String a, Rel r, String b, String op) {
        boolean dates = rnd.nextBoolean();
        boolean innerFirst = rnd.nextBoolean();
        for (int attempt = 0; attempt < 4; attempt++) { // the other orientation, then the other pairing, if missing
            boolean d = dates ^ attempt >= 2;
            boolean first = innerFirst ^ attempt % 2 == 1;
            Predicate<Col> one = d ? c -> c.kind() == Kind.DATE : c -> c.kind().bpchar();
            Predicate<Col> other = d ? c -> c.kind() == Kind.TS : c -> c.kind().string();
            Col y = pick(r, first ? one : other);
            Col x = pick(l, first ? other : one);
            if (x != null && y != null) return b + "." + y.name() + " " + op + " " + a + "." + x.name();
        }
        return null;
    }

    /** An integer column computed without overflow: widened before + 1, halved, COALESCEd, or as is. */
    private String computedInteger(Ex c) {
        switch (rnd.nextInt(4)) {
            case 0:
                return "(CAST(" + c.sql() + (c.kind() == Kind.INT ? " AS BIGINT) + 1)" : " AS NUMERIC) + 1)");
            case 1:
                return "(" + c.sql() + " / 2)";
            case 2:
                return "COALESCE(" + c.sql() + ", 0)";
            default:
                return c.sql();
        }
    }

    /**
     * A view with an aggregate scalar subquery (see {@link #scalar}) in the select list or in WHERE compared with
     * an outer column or a literal, alone or under OR; now and then a second one in the select list.
     */
    private String scalarSubquery(Rel l, List<Ex> out) {
        Ex sub = scalar(l);
        out.add(anyColumn(l, "a"));
        if (rnd.nextInt(4) == 0) out.add(scalar(l));
        if (rnd.nextBoolean()) {
            out.add(sub);
            return select(out) + " FROM " + l.name() + " a" + where(l, "a");
        }
        if (rnd.nextBoolean()) out.add(anyColumn(l, "a"));
        Ex outer = column(l, "a", c -> comparable(c.kind(), sub.kind()));
        // A literal of the subquery's kind, or a NUMERIC one beside an exact number (COUNT(*) > 1.5, SUM(bigint) <>
        // -1.50).
        boolean exact = sub.kind().numeric() && sub.kind() != Kind.REAL && sub.kind() != Kind.DBL;
        String literal = RandomSchema.literal(rnd, exact && rnd.nextBoolean() ? Kind.NUM : sub.kind());
        String other = outer != null && rnd.nextInt(3) != 0 ? outer.sql() : literal;
        String cond = rnd.nextBoolean()
                ? other + " " + comparator() + " " + sub.sql()
                : sub.sql() + " " + comparator() + " " + other;
        if (rnd.nextInt(3) == 0) cond = "(" + cond + " OR " + predicate(l, "a", 0) + ")";
        return select(out) + " FROM " + l.name() + " a WHERE " + cond;
    }

    /**
     * An aggregate scalar subquery over a relation (alias b), now and then inside COALESCE(..., 0) or instead the
     * first value of a column in its order (ORDER BY x LIMIT 1, which Calcite plans as MIN): uncorrelated
     * or correlated with the outer row of l (alias a) by '=' of columns, by '=' of computed values that cannot
     * fail or by a comparison of two columns of one type, and now and then filtered by a predicate of its own.
     * Nothing in it fails: PostgreSQL runs it only for the outer rows its plan meets.
     */
    private Ex scalar(Rel l) {
        Rel r = scalarRelation();
        List<String> where = new ArrayList<>();
        if (rnd.nextInt(3) == 0) where.add(predicate(r, "b", 1));
        String correlation = scalarCorrelation(l, "a", r, "b");
        if (correlation != null) where.add(correlation);
        correlatedScalar |= correlation != null;
        if (correlation != null && rnd.nextInt(5) == 0) {
            String second = scalarCorrelation(l, "a", r, "b");
            if (second != null) where.add(second);
        }
        String filter = where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where);
        Ex first = rnd.nextInt(6) == 0
                ? column(r, "b", c -> c.kind() != Kind.BOOL && c.kind() != Kind.BP && c.kind() != Kind.NUM)
                : null;
        if (first != null) {
            // One row at most, the least value (NULLs last): MIN, also where the subquery is empty or all NULL.
            return new Ex(
                    "(SELECT " + first.sql() + " FROM " + r.name() + " b" + filter + " ORDER BY " + first.sql()
                            + " LIMIT 1)",
                    first.kind());
        }
        Ex agg = scalarAggregate(r, "b");
        String query = "(SELECT " + agg.sql() + " FROM " + r.name() + " b" + filter + ")";
        // An empty subquery is NULL (0 for COUNT); COALESCE's 0 keeps its own scale beside a NUMERIC.
        if (agg.kind().numeric() && rnd.nextInt(3) == 0)
            return new Ex("COALESCE(" + query + ", 0)", agg.kind() == Kind.DEC ? Kind.NUM : agg.kind());
        return new Ex(query, agg.kind());
    }

    /**
     * The relation a scalar subquery reads: not a view with a subquery of its own or reading one, since PostgreSQL
     * runs a correlated scalar subquery once per outer row (a SubPlan), and the inner view's subqueries once per row
     * of each run (a scenario took minutes).
     */
    private Rel scalarRelation() {
        List<Rel> plain =
                relations.stream().filter(r -> !subplanned.contains(r.name())).toList();
        return plain.get(rnd.nextInt(plain.size()));
    }

    /**
     * COUNT(*), COUNT, SUM, AVG, MIN or MAX over a column of r: SUM and AVG only of integers and NUMERICs,
     * which cannot overflow (two 1e308 overflow a DOUBLE PRECISION sum, in PostgreSQL only if it runs the subquery
     * for that outer row), MIN and MAX not of a mixed bpchar or an unconstrained NUMERIC (see {@link Kind#BP}).
     */
    private Ex scalarAggregate(Rel r, String b) {
        Ex num = column(r, b, c -> c.kind().integer() || c.kind() == Kind.DEC || c.kind() == Kind.NUM);
        Ex ord = column(r, b, c -> c.kind() != Kind.BOOL && c.kind() != Kind.BP && c.kind() != Kind.NUM);
        switch (rnd.nextInt(6)) {
            case 0:
                return new Ex("COUNT(*)", Kind.BIGINT);
            case 1:
                return new Ex("COUNT(" + anyColumn(r, b).sql() + ")", Kind.BIGINT);
            case 2:
                if (num == null) return new Ex("COUNT(*)", Kind.BIGINT);
                return new Ex(
                        "SUM(" + num.sql() + ")",
                        num.kind() == Kind.INT ? Kind.BIGINT : num.kind() == Kind.DEC ? Kind.DEC : Kind.NUM);
            case 3:
                if (num == null) return new Ex("COUNT(*)", Kind.BIGINT);
                return new Ex("AVG(" + num.sql() + ")", Kind.NUM);
            case 4:
                return ord == null ? new Ex("COUNT(*)", Kind.BIGINT) : new Ex("MIN(" + ord.sql() + ")", ord.kind());
            default:
                return ord == null ? new Ex("COUNT(*)", Kind.BIGINT) : new Ex("MAX(" + ord.sql() + ")", ord.kind());
        }
    }

    /**
     * A scalar subquery's correlation with the outer row, or null (uncorrelated): '=' of comparable columns,
     * '=' of computed values that cannot fail ({@link #computedCorrelation}), or &lt;, &lt;=, &gt;, &gt;= of two
     * columns of one type or of a CHAR and a string or a date and a timestamp ({@link #mixedComparison}).
     */
    private String scalarCorrelation(Rel l, String a, Rel r, String b) {
        switch (rnd.nextInt(6)) {
            case 0:
                return null;
            case 1:
            case 2: {
                Col y = pick(r, c -> c.nullable() || rnd.nextInt(4) == 0);
                Col x = y == null ? null : pick(l, c -> comparable(c.kind(), y.kind()));
                return x == null ? null : b + "." + y.name() + " = " + a + "." + x.name();
            }
            case 3:
                return computedCorrelation(l, a, r, b);
            default: {
                String op = new String[] {"<", "<=", ">", ">="}[rnd.nextInt(4)];
                String mixed = rnd.nextInt(3) != 0 ? mixedComparison(l, a, r, b, op) : null;
                if (mixed != null) return mixed;
                Col y = pick(r, c -> c.kind() != Kind.BOOL);
                Col x = y == null ? null : pick(l, c -> c.kind() == y.kind());
                return x == null ? null : b + "." + y.name() + " " + op + " " + a + "." + x.name();
            }
        }
    }

    /**
     * Whether PostgreSQL compares values of the two kinds without a cast written: numbers with numbers (a REAL
     * or DOUBLE PRECISION only with its own kind), strings with strings, dates and timestamps with either (a date
     * as the timestamp of its midnight), booleans with booleans.
     */
    private static boolean comparable(Kind x, Kind y) {
        if (x.string() || y.string()) return x.string() && y.string();
        if ((x == Kind.DATE || x == Kind.TS) && (y == Kind.DATE || y == Kind.TS)) return true;
        boolean xFloat = x == Kind.REAL || x == Kind.DBL;
        boolean yFloat = y == Kind.REAL || y == Kind.DBL;
        if (x.numeric() && y.numeric()) return !(xFloat || yFloat) || x == y;
        return x == y;
    }
}
