package io.shardview.circuit;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/** A random tenant schema for the differential suite: three tables of mixed types, keyed in three ways. */
public final class RandomSchema {
    /** A value domain; kinds decide which expressions a column can appear in. */
    enum Kind {
        INT("INT"),
        BIGINT("BIGINT"),
        /**
         * A NUMERIC(p,2) column (DECIMAL(10,2), or NUMERIC(5,2) for some): inputs are rounded to 2 decimals
         * and padded, so every stored value has scale 2 and equal values are spelled alike.
         */
        DEC("DECIMAL(10,2)"),
        DBL("DOUBLE PRECISION"),
        STR("VARCHAR"),
        BOOL("BOOLEAN"),
        DATE("DATE"),
        TS("TIMESTAMP"),
        CH("CHAR(3)"),
        /**
         * An unconstrained NUMERIC: equal values come with different scales (2, 2.0, 2.00), and each row shows its
         * own. Like {@link #BP}, not grouped, deduplicated, ordered or taken MIN/MAX of as itself, since
         * PostgreSQL then shows the scale of the row it met first; as text (CAST AS VARCHAR) instead.
         */
        NUM("NUMERIC"),
        /**
         * A view's bpchar column whose values may be padded differently ('a', 'a  '), e.g. COALESCE of a CHAR(3)
         * and a VARCHAR; never a table's. Each row shows its own padding, but where PostgreSQL keeps one row
         * of several equal ones (GROUP BY, DISTINCT, MIN/MAX, ties at a LIMIT) its spelling depends on the
         * order PostgreSQL met them, so those are not generated over it.
         */
        BP("BPCHAR"),
        /**
         * float4: inputs that round to a float4 of few significant bits (3.0000001 is 3), so a SUM of them is exact
         * whatever order PostgreSQL adds rows in, while a float8 would keep the written digits (its text shows them).
         */
        REAL("REAL");

        final String sqlType;

        Kind(String sqlType) {
            this.sqlType = sqlType;
        }

        boolean integer() {
            return this == INT || this == BIGINT;
        }

        boolean numeric() {
            return integer() || this == DEC || this == DBL || this == NUM || this == REAL;
        }

        boolean string() {
            return this == STR || this == CH || this == BP;
        }

        /** CHAR(3) or a mixed bpchar: compared with a VARCHAR as bpchar. */
        boolean bpchar() {
            return this == CH || this == BP;
        }
    }

    /** A column of a table or view as the generator knows it. */
    record Col(String name, Kind kind, boolean nullable) {}

    /** A table or view with its columns; pk is empty for a multiset table. */
    record Rel(String name, List<Col> cols, List<String> pk, boolean isView) {}

    final List<Rel> tables = new ArrayList<>();
    /** The VARCHAR columns declared TEXT instead (table.column): text compares with CHAR(n) as text. */
    private final Set<String> declaredText = new HashSet<>();
    /** The DEC columns declared NUMERIC(5,2) instead (table.column): the same scale, a smaller precision. */
    private final Set<String> declaredNarrow = new HashSet<>();
    /**
     * The VARCHAR columns declared VARCHAR(3) instead (table.column): every value drawn fits, views keep the length
     * in their columns' types, and a longer value is a bad op (see {@link RandomBatches}).
     */
    private final Set<String> declaredShort = new HashSet<>();

    public RandomSchema(Random rnd) {
        Kind[] kinds = {
            Kind.INT,
            Kind.BIGINT,
            Kind.DEC,
            Kind.DBL,
            Kind.STR,
            Kind.BOOL,
            Kind.DATE,
            Kind.TS,
            Kind.CH,
            Kind.NUM,
            Kind.REAL
        };
        for (int t = 0; t < 3; t++) {
            List<Col> cols = new ArrayList<>();
            List<String> pk = new ArrayList<>();
            if (t < 2) {
                cols.add(new Col("id", rnd.nextBoolean() ? Kind.INT : Kind.BIGINT, false));
                pk.add("id");
            }
            if (t == 1) {
                cols.add(new Col("sub", rnd.nextBoolean() ? Kind.INT : Kind.STR, false));
                pk.add("sub");
            }
            cols.add(new Col("k", Kind.INT, true));
            int extra = 2 + rnd.nextInt(3);
            for (int i = 0; i < extra; i++) {
                cols.add(new Col("c" + i, kinds[rnd.nextInt(kinds.length)], rnd.nextInt(5) != 0));
            }
            if (cols.stream().noneMatch(c -> c.kind() == Kind.STR)) cols.add(new Col("s", Kind.STR, true));
            if (cols.stream().noneMatch(c -> c.kind() == Kind.CH) && rnd.nextBoolean())
                cols.add(new Col("ch", Kind.CH, true));
            if (cols.stream().noneMatch(c -> c.kind() == Kind.DBL || c.kind() == Kind.DEC)) {
                cols.add(new Col("n", rnd.nextBoolean() ? Kind.DBL : Kind.DEC, true));
            }
            for (Col c : cols)
                if (c.kind() == Kind.STR && rnd.nextInt(3) == 0) declaredText.add("t" + t + "." + c.name());
            for (Col c : cols) {
                String column = "t" + t + "." + c.name();
                if (c.kind() == Kind.STR && !declaredText.contains(column) && rnd.nextInt(3) == 0)
                    declaredShort.add(column);
            }
            for (Col c : cols)
                if (c.kind() == Kind.DEC && rnd.nextInt(3) == 0) declaredNarrow.add("t" + t + "." + c.name());
            tables.add(new Rel("t" + t, cols, pk, false));
        }
    }

    /** Whether the column of the table is declared VARCHAR(3). */
    boolean isShort(String table, String column) {
        return declaredShort.contains(table + "." + column);
    }

    public String ddl() {
        StringBuilder sb = new StringBuilder();
        for (Rel r : tables) {
            sb.append("CREATE TABLE ").append(r.name()).append(" (");
            for (Col c : r.cols()) {
                String column = r.name() + "." + c.name();
                String type = declaredText.contains(column)
                        ? "TEXT"
                        : declaredNarrow.contains(column)
                                ? "NUMERIC(5,2)"
                                : declaredShort.contains(column) ? "VARCHAR(3)" : c.kind().sqlType;
                sb.append(c.name())
                        .append(' ')
                        .append(type)
                        .append(c.nullable() ? "" : " NOT NULL")
                        .append(", ");
            }
            if (r.pk().isEmpty()) sb.setLength(sb.length() - 2);
            else sb.append("PRIMARY KEY (").append(String.join(", ", r.pk())).append(')');
            sb.append(");\n");
        }
        return sb.toString();
    }

    static Object value(Random rnd, Kind kind, boolean nullable) {
        if (nullable && rnd.nextInt(5) == 0) return null;
        switch (kind) {
            case INT:
            case BIGINT:
                // Now and then the ends of the type's range, so sums and products overflow (an error in both engines).
                if (rnd.nextInt(40) == 0) return extreme(rnd, kind);
                return (long) (rnd.nextInt(10) - 3);
            case DEC:
                // As stored, or an input that rounds (half away from zero, also below zero) or pads to one of them.
                if (rnd.nextBoolean()) return decimal(rnd);
                return new BigDecimal(
                        new String[] {"-1.495", "-1.505", "0.245", "2.745", "1.01E+1", "0", "-0.004", "0.2", "275E-2"}
                                [rnd.nextInt(9)]);
                // The same values with different scales: 2, 2.0 and 2.00 are equal, and each is shown as it is.
            case NUM:
                return new BigDecimal(
                        new String[] {"2", "2.0", "2.00", "-1.5", "-1.50", "0", "0.0", "0.25", "10.1"}[rnd.nextInt(9)]);
            case DBL:
                // Now and then a huge value: two of them overflow SUM, AVG and arithmetic (an error in both
                // engines). Only positive, so the error does not depend on the order PostgreSQL adds rows in.
                if (rnd.nextInt(15) == 0) return 1e308;
                return new double[] {-2.5, 0.0, 0.5, 1.25, 3.0, 100.0}[rnd.nextInt(6)];
            case REAL:
                // Now and then a huge one: two overflow a float4 SUM and real + real (not AVG, a float8).
                if (rnd.nextInt(15) == 0) return new BigDecimal("2e38");
                return new BigDecimal(
                        new String[] {"-2.50000001", "0", "0.5", "1.25", "3.0000001", "100.000001"}[rnd.nextInt(6)]);
            case STR:
                return new String[] {"a", "b", "ab", "B", "", "zz", "\u00e9", "7", " -2", "a "}
                        [rnd.nextInt(10)]; // "a " = CHAR "a"
            case BOOL:
                return rnd.nextBoolean();
                // Shorter than 3 (stored blank-padded), with a trailing blank (the same value), and 3 long.
            case CH:
            case BP:
                return new String[] {"a", "a ", "ab", "B", "", "abc", "zz "}[rnd.nextInt(7)];
            case TS:
                // Whole seconds, minutes and hours, and fractions down to PostgreSQL's microsecond.
                return LocalDateTime.of(
                        2024,
                        1,
                        1 + rnd.nextInt(3),
                        new int[] {0, 10, 23}[rnd.nextInt(3)],
                        rnd.nextInt(3) * 30 % 60,
                        rnd.nextBoolean() ? 0 : 15,
                        new int[] {0, 0, 500_000_000, 123_456_000}[rnd.nextInt(4)]);
            default:
                return LocalDate.of(2024, 1, 1 + rnd.nextInt(5));
        }
    }

    /** A DEC value as stored: scale 2. */
    private static BigDecimal decimal(Random rnd) {
        return new BigDecimal(new String[] {"-1.50", "0.00", "0.25", "2.75", "10.10"}[rnd.nextInt(5)]);
    }

    /** A value too large for any DEC column, once rounded (PostgreSQL: numeric field overflow, SQLSTATE 22003). */
    static BigDecimal decimalOverflow(Random rnd) {
        return new BigDecimal(rnd.nextBoolean() ? "99999999.995" : "-123456789");
    }

    private static long extreme(Random rnd, Kind kind) {
        if (kind == Kind.INT) return rnd.nextBoolean() ? Integer.MAX_VALUE : Integer.MIN_VALUE;
        return rnd.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    private static String fraction(LocalDateTime t) {
        if (t.getNano() == 0) return "";
        return String.format(".%09d", t.getNano()).replaceAll("0+$", "");
    }

    /** A number of 20 to 30 digits, a numeric in PostgreSQL: whole, beyond bigint's range, or {@link #longDecimal}. */
    static String longNumber(Random rnd) {
        if (rnd.nextBoolean()) return longDecimal(rnd);
        StringBuilder whole = new StringBuilder(rnd.nextBoolean() ? "-" : "").append(1 + rnd.nextInt(9));
        for (int i = 20 + rnd.nextInt(11); i > 1; i--) whole.append(rnd.nextInt(10));
        return whole.toString();
    }

    /**
     * A number of 20 to 30 digits near the columns' values, with a tail of decimals (0.25 as 0.250000000000000000000001):
     * as a numeric it differs from the value, rounded to a float it is the value (of few significant bits).
     */
    static String longDecimal(Random rnd) {
        String near = new String[] {"0.5", "-1.5", "2.75", "0.25", "1.25", "-2.5", "3.0", "100.0"}[rnd.nextInt(8)];
        int written = near.length() - (near.startsWith("-") ? 2 : 1);
        return near + "0".repeat(20 + rnd.nextInt(11) - written - 1) + "1";
    }

    /** A literal of the kind's values; for a number, now and then one of 20 to 30 digits ({@link #longNumber}). */
    static String literal(Random rnd, Kind kind) {
        if (kind.numeric() && rnd.nextInt(8) == 0) return longNumber(rnd);
        Object v = kind == Kind.DEC ? decimal(rnd) : value(rnd, kind, false);
        switch (kind) {
            case STR:
            case CH:
            case BP:
                return "'" + v + "'";
            case DATE:
                return "DATE '" + v + "'";
            case TS: {
                LocalDateTime t = (LocalDateTime) v;
                return String.format(
                        "TIMESTAMP '%s %02d:%02d:%02d%s'",
                        t.toLocalDate(), t.getHour(), t.getMinute(), t.getSecond(), fraction(t));
            }
            case DEC:
            case NUM:
                return ((BigDecimal) v).toPlainString();
            case DBL:
                return "CAST(" + v + " AS DOUBLE PRECISION)";
            case REAL:
                return "CAST(" + v + " AS REAL)";
            default:
                return v.toString();
        }
    }
}
