package io.shardview.circuit;

import java.math.BigDecimal;

/**
 * A column of a table or view: folded name, type, whether it accepts NULL, for CHAR(n) its length
 * n (0 for other types, and for a view's bpchar column whose values have several lengths, as
 * PostgreSQL's bpchar without a length, e.g. COALESCE of a CHAR(3) and a VARCHAR), and for a table's
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

    /** PostgreSQL's name of the column's type, with the length of CHAR(n) and the precision and scale of NUMERIC(p,s). */
    public String sqlTypeName() {
        if (type == ColumnType.DECIMAL) return NumericTypmod.sqlName(precision, scale);
        if (type != ColumnType.CHAR) return type.sqlName();
        return length > 0 ? "character(" + length + ")" : "bpchar";
    }

    /**
     * A JSON-ish value as this column's Java value (see {@link ColumnType#coerce}); CHAR(n) pads to n,
     * NUMERIC(p,s) rounds to s decimals (and refuses a value too large for p).
     */
    public Object coerce(Object v) {
        if (type == ColumnType.DECIMAL && v != null) return NumericTypmod.fit((BigDecimal) type.coerce(v), precision, scale);
        if (type != ColumnType.CHAR || v == null) return type.coerce(v);
        if (!(v instanceof String s)) return type.coerce(v); // refuses it as the wrong type
        return FixedChar.of(s, length);
    }
}
