package io.shardview.circuit.catalog;

import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.NumericTypmod;
import java.math.BigDecimal;

/**
 * A column of a table or view: folded name, type, whether it accepts NULL, for CHAR(n) and VARCHAR(n) its
 * length n (0 for other types, for a VARCHAR without one, and for a view's bpchar column whose values have
 * several lengths, as PostgreSQL's bpchar without a length, e.g. COALESCE of a CHAR(3) and a VARCHAR), and for a table's
 * NUMERIC(p,s) its precision and scale (both 0 for an unconstrained NUMERIC and other types); a view's
 * column has the length or precision and scale PostgreSQL gives it (see {@code plan.Typmods}), for its
 * description only: its values were fitted where they came from.
 */
public record Column(String name, ColumnType type, boolean nullable, int length, int precision, int scale) {

    public Column(String name, ColumnType type, boolean nullable) {
        this(name, type, nullable, 0);
    }

    public Column(String name, ColumnType type, boolean nullable, int length) {
        this(name, type, nullable, length, 0, 0);
    }

    /** The same column, NOT NULL or nullable. */
    public Column withNullable(boolean nullable) {
        return new Column(name, type, nullable, length, precision, scale);
    }

    /** PostgreSQL's name of the column's type, with the length of CHAR(n) and VARCHAR(n) and the precision and scale of NUMERIC(p,s). */
    public String sqlTypeName() {
        if (type == ColumnType.DECIMAL) return NumericTypmod.sqlName(precision, scale);
        if (type == ColumnType.VARCHAR && length > 0) return "varchar(" + length + ")";
        if (type != ColumnType.CHAR) return type.sqlName();
        return length > 0 ? "character(" + length + ")" : "bpchar";
    }

    /**
     * A JSON-ish value as this column's Java value (see {@link ColumnType#coerce}); CHAR(n) pads to n,
     * NUMERIC(p,s) rounds to s decimals (and refuses a value too large for p), VARCHAR(n) refuses a longer value.
     */
    public Object coerce(Object v) {
        if (type == ColumnType.DECIMAL && v != null)
            return NumericTypmod.fit((BigDecimal) type.coerce(v), precision, scale);
        if (type == ColumnType.VARCHAR && length > 0 && v instanceof String s) return fitVarchar(s);
        if (type != ColumnType.CHAR || v == null) return type.coerce(v);
        if (!(v instanceof String s)) return type.coerce(v); // refuses it as the wrong type
        return FixedChar.of(s, length);
    }

    /** A string for VARCHAR(n): as PostgreSQL stores it, cut to n only where what is cut is blanks, else refused. */
    private String fitVarchar(String s) {
        if (s.codePointCount(0, s.length()) <= length) return s;
        String kept = s.substring(0, s.offsetByCodePoints(0, length));
        if (!s.substring(kept.length()).chars().allMatch(ch -> ch == ' ')) {
            throw new IllegalArgumentException("value too long for type character varying(" + length + ")");
        }
        return kept;
    }
}
