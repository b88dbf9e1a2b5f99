package io.shardview.circuit;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The binary snapshot format of a circuit: version, tables (schema and rows), then views in creation
 * order (name, SELECT, content, hash, operator state). Restoring recompiles each view's SELECT into an
 * empty dataflow and loads the saved state into it; no view is re-evaluated.
 */
final class CircuitSnapshot {
    private static final int MAGIC = 0x53564331; // "SVC1"

    private CircuitSnapshot() {
    }

    /** Compiles a view definition into an empty view during restore. */
    interface ViewFactory {
        MaterializedView create(String name, String sql) throws IOException;
    }

    static void write(DataOutput out, long version, Collection<BaseTable> tables, Collection<MaterializedView> views)
            throws IOException {
        out.writeInt(MAGIC);
        out.writeLong(version);
        out.writeInt(tables.size());
        for (BaseTable t : tables) {
            writeSchema(out, t.schema());
            RowCodec.writeZSet(out, t.content());
        }
        out.writeInt(views.size());
        for (MaterializedView v : views) {
            out.writeUTF(v.name);
            writeLongString(out, v.sql);
            RowCodec.writeZSet(out, v.content);
            v.dataflow.writeState(out);
        }
    }

    static long read(DataInput in, Map<String, BaseTable> tables, Map<String, MaterializedView> views,
                     ViewFactory factory) throws IOException {
        if (in.readInt() != MAGIC) throw new IOException("not a circuit snapshot");
        long version = in.readLong();
        int nTables = in.readInt();
        for (int i = 0; i < nTables; i++) {
            BaseTable t = new BaseTable(readSchema(in));
            t.apply(RowCodec.readZSet(in));
            tables.put(t.schema().name(), t);
        }
        int nViews = in.readInt();
        for (int i = 0; i < nViews; i++) {
            String name = in.readUTF();
            MaterializedView v = factory.create(name, readLongString(in));
            v.absorb(RowCodec.readZSet(in));
            v.dataflow.readState(in);
            views.put(name, v);
        }
        return version;
    }

    private static void writeSchema(DataOutput out, TableSchema s) throws IOException {
        out.writeUTF(s.name());
        out.writeShort(s.columns().size());
        for (Column c : s.columns()) {
            out.writeUTF(c.name());
            out.writeByte(c.type().ordinal());
            out.writeBoolean(c.nullable());
        }
        out.writeShort(s.primaryKey().length);
        for (int k : s.primaryKey()) {
            out.writeShort(k);
        }
    }

    private static TableSchema readSchema(DataInput in) throws IOException {
        String name = in.readUTF();
        int n = in.readShort();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            columns.add(new Column(in.readUTF(), ColumnType.values()[in.readByte()], in.readBoolean()));
        }
        int[] pk = new int[in.readShort()];
        for (int i = 0; i < pk.length; i++) {
            pk[i] = in.readShort();
        }
        return new TableSchema(name, List.copyOf(columns), pk);
    }

    private static void writeLongString(DataOutput out, String s) throws IOException {
        byte[] b = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readLongString(DataInput in) throws IOException {
        byte[] b = new byte[in.readInt()];
        in.readFully(b);
        return new String(b, java.nio.charset.StandardCharsets.UTF_8);
    }
}
