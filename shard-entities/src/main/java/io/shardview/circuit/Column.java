package io.shardview.circuit;

/**
 * A column of a table or view: folded name, type, whether it accepts NULL, and for CHAR(n) its length
 * n (0 for other types, and for a view's bpchar column whose values have several lengths, as
 * PostgreSQL's bpchar without a length, e.g. COALESCE of a CHAR(3) and a VARCHAR).
 */
public record Column(String name, ColumnType type, boolean nullable, int length) {

    public Column(String name, ColumnType type, boolean nullable) {
        this(name, type, nullable, 0);
    }

    /** PostgreSQL's name of the column's type, with the length of CHAR(n). */
    public String sqlTypeName() {
        if (type != ColumnType.CHAR) return type.sqlName();
        return length > 0 ? "character(" + length + ")" : "bpchar";
    }

    /** A JSON-ish value as this column's Java value (see {@link ColumnType#coerce}); CHAR(n) pads to n. */
    public Object coerce(Object v) {
        if (type != ColumnType.CHAR || v == null) return type.coerce(v);
        if (!(v instanceof String s)) return type.coerce(v); // refuses it as the wrong type
        return FixedChar.of(s, length);
    }
}
