package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.pg.FixedChar;

/**
 * The equi-join key columns of one join input. A key with a NULL in a column compared with '='
 * matches nothing (NULL = NULL is unknown); columns compared with IS NOT DISTINCT FROM match NULLs.
 * A column compared as bpchar (a CHAR(n) with a VARCHAR, as PostgreSQL compares them) matches
 * without its trailing blanks on both sides.
 */
public record JoinKeys(int[] columns, boolean[] nullSafe, boolean[] asBpchar) {

    public JoinKeys(int[] columns, boolean[] nullSafe) {
        this(columns, nullSafe, new boolean[columns.length]);
    }

    /** The key of a row, or null when the row can match no row of the other side. */
    public Row keyOf(Row row) {
        Object[] key = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            key[i] = row.get(columns[i]);
            if (key[i] == null && !nullSafe[i]) return null;
            if (asBpchar[i]) key[i] = bpcharOf(key[i]);
        }
        return Row.wrap(key);
    }

    /** A varchar value as the bpchar PostgreSQL compares it as (its trailing blanks do not count); any other value as it is. */
    static Object bpcharOf(Object v) {
        return v instanceof String s ? FixedChar.of(s, s.codePointCount(0, s.length())) : v;
    }
}
