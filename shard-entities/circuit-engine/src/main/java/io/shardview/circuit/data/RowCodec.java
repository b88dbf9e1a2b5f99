package io.shardview.circuit.data;

import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.PgInterval;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;

/** Compact binary encoding of values, rows and Z-sets for snapshots: a tag byte then the value. */
public final class RowCodec {
    private RowCodec() {}

    public static void writeValue(DataOutput out, Object v) throws IOException {
        if (v == null) {
            out.writeByte(0);
        } else if (v instanceof Long l) {
            out.writeByte(1);
            out.writeLong(l);
        } else if (v instanceof Double d) {
            out.writeByte(2);
            out.writeDouble(d);
        } else if (v instanceof Float f) {
            out.writeByte(10);
            out.writeFloat(f);
        } else if (v instanceof BigDecimal d) {
            out.writeByte(3);
            byte[] unscaled = d.unscaledValue().toByteArray();
            out.writeInt(d.scale());
            out.writeShort(unscaled.length);
            out.write(unscaled);
        } else if (v instanceof String s) {
            out.writeByte(4);
            byte[] utf8 = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            out.writeInt(utf8.length);
            out.write(utf8);
        } else if (v instanceof Boolean b) {
            out.writeByte(b ? 5 : 6);
        } else if (v instanceof LocalDate d) {
            out.writeByte(7);
            out.writeLong(d.toEpochDay());
        } else if (v instanceof LocalDateTime t) {
            out.writeByte(8);
            out.writeLong(t.toLocalDate().toEpochDay());
            out.writeLong(t.toLocalTime().toNanoOfDay());
        } else if (v instanceof FixedChar c) {
            out.writeByte(9);
            out.writeInt(c.length());
            writeValue(out, c.text());
        } else if (v instanceof PgInterval i) {
            out.writeByte(11);
            out.writeInt(i.months());
            out.writeInt(i.days());
            out.writeLong(i.micros());
        } else {
            throw new IOException("cannot encode " + v.getClass());
        }
    }

    public static Object readValue(DataInput in) throws IOException {
        int tag = in.readByte();
        switch (tag) {
            case 0:
                return null;
            case 1:
                return in.readLong();
            case 2:
                return in.readDouble();
            case 3: {
                int scale = in.readInt();
                byte[] unscaled = new byte[in.readShort()];
                in.readFully(unscaled);
                return new BigDecimal(new BigInteger(unscaled), scale);
            }
            case 4: {
                byte[] utf8 = new byte[in.readInt()];
                in.readFully(utf8);
                return new String(utf8, java.nio.charset.StandardCharsets.UTF_8);
            }
            case 5:
                return Boolean.TRUE;
            case 6:
                return Boolean.FALSE;
            case 7:
                return LocalDate.ofEpochDay(in.readLong());
            case 8:
                return LocalDate.ofEpochDay(in.readLong()).atStartOfDay().plusNanos(in.readLong());
            case 9: {
                int length = in.readInt();
                return new FixedChar((String) readValue(in), length);
            }
            case 10:
                return in.readFloat();
            case 11:
                return new PgInterval(in.readInt(), in.readInt(), in.readLong());
            default:
                throw new IOException("bad value tag " + tag);
        }
    }

    public static void writeRow(DataOutput out, Row row) throws IOException {
        out.writeShort(row.size());
        for (int i = 0; i < row.size(); i++) {
            writeValue(out, row.get(i));
        }
    }

    public static Row readRow(DataInput in) throws IOException {
        Object[] values = new Object[in.readShort()];
        for (int i = 0; i < values.length; i++) {
            values[i] = readValue(in);
        }
        return Row.wrap(values);
    }

    public static void writeZSet(DataOutput out, ZSet z) throws IOException {
        out.writeInt(z.size());
        for (var e : z.entries().entrySet()) {
            writeRow(out, e.getKey());
            out.writeLong(e.getValue());
        }
    }

    public static ZSet readZSet(DataInput in) throws IOException {
        int n = in.readInt();
        ZSet z = new ZSet(n);
        for (int i = 0; i < n; i++) {
            Row r = readRow(in);
            z.add(r, in.readLong());
        }
        return z;
    }
}
