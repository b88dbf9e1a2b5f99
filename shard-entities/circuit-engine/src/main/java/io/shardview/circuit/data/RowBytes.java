package io.shardview.circuit.data;

import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.PgInterval;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;

/**
 * A row packed into one byte array, for compact storage of base tables: per value a tag byte, then
 * 8 bytes for BIGINT/DOUBLE/DATE, 4 for REAL, a 1- or 4-byte length plus UTF-8 for VARCHAR (CHAR(n): n, then
 * its text without trailing blanks, likewise), 16 for an interval (months and days, then microseconds), nothing for
 * NULL/booleans.
 * A row (BIGINT, BIGINT, short VARCHAR, DOUBLE) packs into about 35 bytes instead of ~200 as objects.
 */
public final class RowBytes {
    private RowBytes() {}

    public static byte[] encode(Row row) {
        int size = directSize(row);
        return size >= 0 ? encodeDirect(row, size) : encodeAny(row);
    }

    /** Any row, each string encoded to UTF-8 first (the one-pass form of {@link #encode} writes the same bytes). */
    static byte[] encodeAny(Row row) {
        byte[] buf = new byte[64];
        int pos = 0;
        for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            byte[] text = v instanceof String s
                    ? s.getBytes(StandardCharsets.UTF_8)
                    : v instanceof BigDecimal d
                            ? (d.scale() + ":" + d.unscaledValue()).getBytes(StandardCharsets.US_ASCII)
                            : v instanceof FixedChar c ? c.text().getBytes(StandardCharsets.UTF_8) : null;
            int need = 1 + (text != null ? 8 + text.length : 16);
            if (pos + need > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + need));
            pos = put(buf, pos, v, text);
        }
        return Arrays.copyOf(buf, pos);
    }

    /**
     * The packed size of a row whose strings are all ASCII and that holds no NUMERIC or CHAR(n) (most rows), or -1:
     * such a row is packed in one pass into an array of its size, its strings copied char by char.
     */
    private static int directSize(Row row) {
        int size = 0;
        for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            if (v == null || v instanceof Boolean) {
                size += 1;
            } else if (v instanceof Long || v instanceof Double || v instanceof LocalDate) {
                size += 9;
            } else if (v instanceof Float) {
                size += 5;
            } else if (v instanceof LocalDateTime) {
                size += 17;
            } else if (v instanceof String text && ascii(text)) {
                size += 1 + (text.length() < 0x80 ? 1 : 4) + text.length();
            } else {
                return -1;
            }
        }
        return size;
    }

    private static boolean ascii(String text) {
        for (int i = 0; i < text.length(); i++) if (text.charAt(i) >= 0x80) return false;
        return true;
    }

    private static byte[] encodeDirect(Row row, int size) {
        byte[] b = new byte[size];
        int pos = 0;
        for (int i = 0; i < row.size(); i++) {
            Object v = row.get(i);
            if (v instanceof String text) {
                b[pos++] = 3;
                pos = putLength(b, pos, text.length());
                for (int c = 0; c < text.length(); c++) b[pos++] = (byte) text.charAt(c);
            } else {
                pos = put(b, pos, v, null);
            }
        }
        return b;
    }

    private static int put(byte[] b, int pos, Object v, byte[] text) {
        if (v == null) {
            b[pos++] = 0;
        } else if (v instanceof Long l) {
            b[pos++] = 1;
            pos = putLong(b, pos, l);
        } else if (v instanceof Double d) {
            b[pos++] = 2;
            pos = putLong(b, pos, Double.doubleToRawLongBits(d));
        } else if (v instanceof Float f) {
            b[pos++] = 10;
            int bits = Float.floatToRawIntBits(f);
            for (int i = 3; i >= 0; i--) b[pos++] = (byte) (bits >>> (i * 8));
        } else if (v instanceof FixedChar c) {
            b[pos++] = 9;
            pos = putLength(b, pos, c.length());
            pos = putLength(b, pos, text.length);
            System.arraycopy(text, 0, b, pos, text.length);
            pos += text.length;
        } else if (text != null) {
            b[pos++] = (byte) (v instanceof String ? 3 : 4);
            pos = putLength(b, pos, text.length);
            System.arraycopy(text, 0, b, pos, text.length);
            pos += text.length;
        } else if (v instanceof Boolean bool) {
            b[pos++] = (byte) (bool ? 5 : 6);
        } else if (v instanceof LocalDate d) {
            b[pos++] = 7;
            pos = putLong(b, pos, d.toEpochDay());
        } else if (v instanceof PgInterval i) {
            b[pos++] = 11;
            pos = putLong(b, pos, (long) i.months() << 32 | (i.days() & 0xFFFFFFFFL));
            pos = putLong(b, pos, i.micros());
        } else {
            LocalDateTime t = (LocalDateTime) v;
            b[pos++] = 8;
            pos = putLong(b, pos, t.toLocalDate().toEpochDay());
            pos = putLong(b, pos, t.toLocalTime().toNanoOfDay());
        }
        return pos;
    }

    /** A length below 128 takes one byte; longer ones four, flagged by the top bit. */
    private static int putLength(byte[] b, int pos, int length) {
        if (length < 0x80) {
            b[pos++] = (byte) length;
            return pos;
        }
        int flagged = length | 0x80000000;
        for (int i = 3; i >= 0; i--) {
            b[pos++] = (byte) (flagged >>> (i * 8));
        }
        return pos;
    }

    /** The length at pos, and (via the second element) the position after it. */
    private static int[] getLength(byte[] b, int pos) {
        if ((b[pos] & 0x80) == 0) return new int[] {b[pos], pos + 1};
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (b[pos + i] & 0xFF);
        }
        return new int[] {v & 0x7FFFFFFF, pos + 4};
    }

    private static int putLong(byte[] b, int pos, long v) {
        for (int i = 7; i >= 0; i--) {
            b[pos++] = (byte) (v >>> (i * 8));
        }
        return pos;
    }

    private static long getLong(byte[] b, int pos) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[pos + i] & 0xFF);
        }
        return v;
    }

    private static int getInt(byte[] b, int pos) {
        return (b[pos] & 0xFF) << 24 | (b[pos + 1] & 0xFF) << 16 | (b[pos + 2] & 0xFF) << 8 | (b[pos + 3] & 0xFF);
    }

    public static Row decode(byte[] b, int columns) {
        return decode(b, 0, columns);
    }

    /** The row packed at {@code offset} of {@code b} (a page of packed rows). */
    public static Row decode(byte[] b, int offset, int columns) {
        Object[] out = new Object[columns];
        int pos = offset;
        for (int i = 0; i < columns; i++) {
            pos = read(b, pos, out, i);
        }
        return Row.wrap(out);
    }

    /** Decodes only the given columns (e.g. the primary key), skipping the others without allocating. */
    public static Row decodeColumns(byte[] b, int[] columns) {
        return decodeColumns(b, 0, columns);
    }

    /** As {@link #decodeColumns(byte[], int[])}, of the row packed at {@code offset} of {@code b}. */
    public static Row decodeColumns(byte[] b, int offset, int[] columns) {
        Object[] out = new Object[columns.length];
        int last = 0;
        for (int c : columns) {
            last = Math.max(last, c);
        }
        int pos = offset;
        for (int i = 0; i <= last; i++) {
            int k = indexOf(columns, i);
            pos = k >= 0 ? read(b, pos, out, k) : skip(b, pos);
        }
        return Row.wrap(out);
    }

    private static int indexOf(int[] columns, int column) {
        for (int k = 0; k < columns.length; k++) {
            if (columns[k] == column) return k;
        }
        return -1;
    }

    private static int skip(byte[] b, int pos) {
        int tag = b[pos++];
        switch (tag) {
            case 0:
            case 5:
            case 6:
                return pos;
            case 3:
            case 4: {
                int[] length = getLength(b, pos);
                return length[1] + length[0];
            }
            case 9: {
                int[] length = getLength(b, getLength(b, pos)[1]);
                return length[1] + length[0];
            }
            case 8:
            case 11:
                return pos + 16;
            case 10:
                return pos + 4;
            default:
                return pos + 8;
        }
    }

    /** Decodes the value at pos into out[i]; returns the position after it. */
    private static int read(byte[] b, int pos, Object[] out, int i) {
        {
            int tag = b[pos++];
            switch (tag) {
                case 0:
                    break;
                case 1:
                    out[i] = getLong(b, pos);
                    pos += 8;
                    break;
                case 2:
                    out[i] = Double.longBitsToDouble(getLong(b, pos));
                    pos += 8;
                    break;
                case 3:
                case 4: {
                    int[] length = getLength(b, pos);
                    String s = new String(
                            b, length[1], length[0], tag == 3 ? StandardCharsets.UTF_8 : StandardCharsets.US_ASCII);
                    out[i] = tag == 3 ? s : decimal(s);
                    pos = length[1] + length[0];
                    break;
                }
                case 9: {
                    int[] declared = getLength(b, pos);
                    int[] length = getLength(b, declared[1]);
                    out[i] = new FixedChar(new String(b, length[1], length[0], StandardCharsets.UTF_8), declared[0]);
                    pos = length[1] + length[0];
                    break;
                }
                case 10:
                    out[i] = Float.intBitsToFloat(getInt(b, pos));
                    pos += 4;
                    break;
                case 5:
                    out[i] = Boolean.TRUE;
                    break;
                case 6:
                    out[i] = Boolean.FALSE;
                    break;
                case 7:
                    out[i] = LocalDate.ofEpochDay(getLong(b, pos));
                    pos += 8;
                    break;
                case 11: {
                    long monthsDays = getLong(b, pos);
                    out[i] = new PgInterval((int) (monthsDays >> 32), (int) monthsDays, getLong(b, pos + 8));
                    pos += 16;
                    break;
                }
                default:
                    out[i] =
                            LocalDate.ofEpochDay(getLong(b, pos)).atStartOfDay().plusNanos(getLong(b, pos + 8));
                    pos += 16;
                    break;
            }
        }
        return pos;
    }

    private static BigDecimal decimal(String s) {
        int colon = s.indexOf(':');
        return new BigDecimal(new BigInteger(s.substring(colon + 1)), Integer.parseInt(s.substring(0, colon)));
    }
}
