package io.shardview.circuit.data;

import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.PgInterval;
import io.shardview.circuit.pg.Values;
import java.util.Arrays;
import java.util.Comparator;

/**
 * An immutable tuple of column values. Equality and hash follow {@link Values#equal}, SQL's equality, as
 * keys of joins and groups need; {@link #identical} also tells apart the paddings of CHAR values and the
 * scales of NUMERIC values, as the rows of a Z-set need (PostgreSQL shows each row's own spelling).
 */
public final class Row {
    /**
     * Orders rows column by column, NULLs last (the default read order of a view); rows equal as SQL
     * values by their spellings ({@link Values#compareSpelled}), so only identical rows tie.
     */
    public static final Comparator<Row> NATURAL_ORDER = Row::compareAll;

    private final Object[] values;
    // The 64-bit content hash, computed once (0 = not yet): the hash map key hash and the view hash
    // both derive from it. A racy first computation is benign, every thread computes the same value.
    private long hash;

    private Row(Object[] values) {
        this.values = values;
    }

    /** Wraps the array without copying: the caller must not modify it afterwards. */
    public static Row wrap(Object... values) {
        return new Row(values);
    }

    public static Row of(Object... values) {
        return new Row(values.clone());
    }

    public Object get(int i) {
        return values[i];
    }

    public int size() {
        return values.length;
    }

    /**
     * About how many bytes of heap this row takes, for the state budgets: the object and its array, and each
     * value by its type (a string by its length). An estimate of a 64-bit JVM with compressed pointers, not a
     * measurement; it depends only on the values, so adding and removing a row account the same amount.
     */
    public long estimatedBytes() {
        long bytes = 40 + 4L * values.length;
        for (Object v : values) bytes += valueBytes(v);
        return bytes;
    }

    private static long valueBytes(Object v) {
        if (v == null) return 0;
        if (v instanceof String s) return 40 + s.length();
        if (v instanceof FixedChar c) return 56 + c.text().length();
        if (v instanceof java.math.BigDecimal d) return 48 + d.unscaledValue().bitLength() / 8;
        if (v instanceof Number || v instanceof Boolean) return 16;
        return 32; // dates and times: objects of a few fields
    }

    /** A copy of the values. */
    public Object[] toArray() {
        return values.clone();
    }

    /** The row of the given column positions. */
    public Row project(int[] columns) {
        Object[] out = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = values[columns[i]];
        }
        return new Row(out);
    }

    /** This row followed by another's columns. */
    public Row concat(Row other) {
        Object[] out = Arrays.copyOf(values, values.length + other.values.length);
        System.arraycopy(other.values, 0, out, values.length, other.values.length);
        return new Row(out);
    }

    /** This row followed by n NULLs. */
    public Row padNulls(int n) {
        return new Row(Arrays.copyOf(values, values.length + n));
    }

    public boolean hasNull() {
        for (Object v : values) {
            if (v == null) return true;
        }
        return false;
    }

    /** Stable 64-bit hash of the row's content (used for the order-independent view hash). */
    public long hash64() {
        long h = hash;
        if (h == 0) {
            h = 0x243F6A8885A308D3L;
            for (Object v : values) {
                h = Values.mix(h * 31 + Values.hash64(v));
            }
            hash = h;
        }
        return h;
    }

    /** Whether a value is CHAR, NUMERIC or a float zero (only then can an equal row be spelled otherwise). */
    public boolean hasSpelled() {
        for (Object v : values) {
            if (Values.isSpelled(v)) return true;
        }
        return false;
    }

    /**
     * The hash of the row as stored: {@link #hash64}, and for CHAR values their padding too, for NUMERIC
     * values their scale (unless 0, as an integer's), for an interval its months and days, for a float -0 its sign, so rows spelled differently hash apart (the view hash
     * is over what reads show) and identical rows alike.
     */
    public long contentHash64() {
        long h = hash64();
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof FixedChar c) h = Values.mix(h + (i + 1L) * c.width());
            else if (values[i] instanceof java.math.BigDecimal d && d.scale() != 0) {
                h = Values.mix(h ^ ((i + 1L) << 32 | (d.scale() & 0xFFFFFFFFL)));
            } else if (values[i] instanceof PgInterval p) {
                h = Values.mix(h ^ ((i + 1L) * 0x3A1L + p.months() * 0x9E3779B9L + p.days()));
            } else if (Values.isNegativeZero(values[i])) {
                h = Values.mix(h ^ (i + 1L) * 0x2D5L);
            }
        }
        return h;
    }

    private static int compareAll(Row a, Row b) {
        int n = Math.min(a.values.length, b.values.length);
        for (int i = 0; i < n; i++) {
            int c = Values.compare(a.values[i], b.values[i]);
            if (c != 0) return c;
        }
        int c = Integer.compare(a.values.length, b.values.length);
        if (c != 0) return c;
        for (int i = 0; i < n; i++) {
            c = Values.compareSpelled(a.values[i], b.values[i]);
            if (c != 0) return c;
        }
        return 0;
    }

    /** Whether both rows hold the same values spelled alike (see {@link Values#identical}). */
    public boolean identical(Row r) {
        if (this == r) return true;
        if (r.values.length != values.length || (hash != 0 && r.hash != 0 && hash != r.hash)) return false;
        for (int i = 0; i < values.length; i++) {
            if (!Values.identical(values[i], r.values[i])) return false;
        }
        return true;
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) return true;
        if (!(o instanceof Row)) return false;
        Row r = (Row) o;
        if (r.values.length != values.length || (hash != 0 && r.hash != 0 && hash != r.hash)) return false;
        for (int i = 0; i < values.length; i++) {
            if (!Values.equal(values[i], r.values[i])) return false;
        }
        return true;
    }

    @Override
    public int hashCode() {
        long l = hash64();
        return (int) (l ^ (l >>> 32));
    }

    @Override
    public String toString() {
        return Arrays.toString(values);
    }
}
