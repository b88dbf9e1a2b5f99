package io.shardview.circuit.snapshot;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.catalog.TableSchema;
import io.shardview.circuit.data.ByteArrayInput;
import io.shardview.circuit.data.RowBytes;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.table.BaseTable;
import io.shardview.circuit.table.PackedRows;
import io.shardview.circuit.table.TableImage;
import io.shardview.circuit.view.MaterializedView;
import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * The binary snapshot format of a circuit: version, tables (schema and rows), then views in creation
 * order (name, SELECT, content, operator state). Since SVC2 a table with a primary key is written as
 * its packed rows ({@link RowBytes}, which makes that in-memory form a persistent format too). Since
 * SVC3 each view's content and operator state follow as one length-prefixed section, so a restore
 * decodes the views in parallel (on a large tenant most of the restore is decoding view contents).
 * Restoring recompiles each view's SELECT into an empty dataflow, in creation order, and loads the
 * saved state into it; no view is re-evaluated. SVC4 marks the engine that keeps each row's CHAR
 * padding and types view columns text as PostgreSQL does: the views of an older snapshot may hold
 * rows merged or filtered under the old rules, so they are evaluated afresh from the restored tables
 * instead (once, on the first restore after the upgrade). SVC5 marks the planner that makes semi-joins
 * only of IN and EXISTS: before it a written join with a DISTINCT subquery could be one (its rows kept
 * once where PostgreSQL joins them with every match), so the views of an SVC4 snapshot, whose compiled
 * graphs may differ too, are evaluated afresh the same way. SVC6 marks the engine that keeps each row's
 * NUMERIC scale (2.0 and 2.00 as two rows, as CHAR paddings since SVC4): the views of an SVC5 snapshot
 * may hold such rows merged into one scale, so they are evaluated afresh too. SVC7 adds to each NUMERIC
 * column of a table schema its precision and scale (0 and 0 when unconstrained); the NUMERIC columns of
 * an older snapshot are read as unconstrained, as that engine stored them, and its views, if SVC6, are
 * loaded as saved (the typmod changes no stored value, only what later batches may store). SVC8 marks the
 * engine whose view expressions give NUMERIC results PostgreSQL's scale (COALESCE(n, 0) is 0, not 0.000000,
 * CAST to NUMERIC(p,s) rounds to s, a float8 cast to numeric has 15 significant digits): the views of an SVC6 or SVC7 snapshot may hold
 * rows with the old scales, which a later retraction would no longer match, so they are evaluated afresh.
 * SVC9 marks the engine that keeps a numeric literal's own scale as a CASE value, a UNION item or in
 * VALUES (THEN 0 beside a NUMERIC is 0, not 0.000000), in CAST(1.5 AS NUMERIC) (1.5, not 1) and computes
 * arithmetic with a literal Calcite folded (n / 1 is 2.5000000000000000): the views of an SVC8 snapshot
 * are evaluated afresh for the same reason. SVC: (SVC10) marks the engine with a float4 REAL and -0 equal to 0: an
 * SVC9 snapshot's views may hold a CAST AS REAL as a double, or -0 and 0 apart, so they are evaluated afresh.
 * SVC; (SVC11) marks the planner that joins on values computed from each side (u.y = t.n + 1) through their
 * index: an SVC10 snapshot's views may hold such a join's state as a plain join's, so they are evaluated afresh
 * (under SQL revision 1, as they were created). SVC11 also opens each view's section with its SQL revision.
 * SVC< (SVC12) adds to each VARCHAR column of a table schema its length (0 for none; an older snapshot's are
 * read without one, as they were created), writes a CHAR(n)'s length as an int (a short cut n beyond 32767), and
 * marks the engine whose expressions follow PostgreSQL where an SVC11 one did not (a numeric remainder's scale, a
 * boolean's text, the division of n by a cast literal, which Calcite folded) and that leaves a value before IN that
 * may fail (1 / c IN (...)) to the semi-join or mark comparing it, which computes it only when the subquery has rows:
 * an SVC11 snapshot's views may hold rows computed otherwise, or state laid out otherwise, so they are evaluated
 * afresh, under the SQL revision each was created with. SVC= (SVC13) marks the planner that judges a comparison of
 * CHAR(n) values with a scalar subquery through ordered values ({@code c > (SELECT MAX(k) FROM u WHERE u.id = t.id)}, a
 * RangeSemiJoin, which keeps the right side's values, not its rows): an SVC12 snapshot's views may hold such a
 * semi-join's state as a plain semi-join's, so they are evaluated afresh too (under their recorded SQL revision).
 * SVC> (SVC14) writes the state of an operator views share once, in the section of the first view holding it, and a
 * flag before each operator's state (set: held by an earlier view, no state follows); a restore shares the operators
 * again ({@link io.shardview.circuit.compiler.SharedOperators}), which fills the later views' empty copies. An SVC13
 * snapshot's views hold each operator's state, the shared ones' in every view holding them: loaded as saved, then
 * shared. SVC? (SVC15) adds to each view's section, after its SQL revision, the SQL revision of the engine that wrote
 * it and the view's plan as text ({@link io.shardview.circuit.sql.PlanJson}; empty where the plan cannot be kept as
 * text): a restore by an engine of the same SQL revision compiles the view from that plan instead of planning its
 * SELECT again; any other plans it (so does a restore of an SVC14 snapshot).
 */
public final class CircuitSnapshot {
    private static final int MAGIC = 0x53564331; // "SVC1": tables as Z-sets of rows (still read)
    private static final int MAGIC_PACKED = 0x53564332; // "SVC2": keyed tables as their packed rows (still read)
    private static final int MAGIC_SECTIONS =
            0x53564333; // "SVC3": and each view's state as a sized section (still read)
    private static final int MAGIC_SPELLED =
            0x53564334; // "SVC4": views maintained with CHAR padding and text kept (still read)
    private static final int MAGIC_SEMI = 0x53564335; // "SVC5": and semi-joins only for IN and EXISTS (still read)
    private static final int MAGIC_SCALED = 0x53564336; // "SVC6": and NUMERIC scales kept (still read)
    private static final int MAGIC_TYPMOD = 0x53564337; // "SVC7": and NUMERIC(p,s) in table schemas (still read)
    private static final int MAGIC_EXPRESSION_SCALES =
            0x53564338; // "SVC8": and views' NUMERIC results scaled as PostgreSQL (still read)
    private static final int MAGIC_LITERAL_SCALES =
            0x53564339; // "SVC9": and numeric literals' scales kept in CASE, UNION, VALUES (still read)
    private static final int MAGIC_FLOAT4 = 0x5356433A; // "SVC:": and REAL as float4, -0 = 0 (still read)
    private static final int MAGIC_COMPUTED_KEYS =
            0x5356433B; // "SVC;": and joins on computed values indexed (still read)
    private static final int MAGIC_VARCHAR_LENGTHS =
            0x5356433C; // "SVC<": and VARCHAR(n) in table schemas, values before IN computed by the IN (still read)
    private static final int MAGIC_CHAR_RANGES =
            0x5356433D; // "SVC=": and semi-joins on comparisons of CHAR(n) values ordered (still read)
    private static final int MAGIC_SHARED =
            0x5356433E; // "SVC>": and an operator views share written once, by the first view holding it (still read)
    private static final int MAGIC_PLANS = 0x5356433F; // "SVC?": and each view's plan as text, where it can be

    /** The SQL revision of a view in a snapshot before SVC11, which kept none: all were created under 1 or 0. */
    private static final int OLDER_REVISION = 1;

    private CircuitSnapshot() {}

    /** Compiles the views of a snapshot during restore. */
    public interface ViewFactory {
        /** A view compiled from its definition and SQL revision, empty, for the saved state to be loaded into. */
        MaterializedView create(String name, String sql, int revision) throws IOException;

        /**
         * As {@link #create(String, String, int)}, from its plan as text ({@link io.shardview.circuit.sql.PlanJson})
         * written by an engine of {@code planTextKey} ({@link io.shardview.circuit.Circuit#PLAN_TEXT_KEY}), where the
         * plan can be used; else planned.
         */
        default MaterializedView create(String name, String sql, int revision, int planTextKey, String plan)
                throws IOException {
            return create(name, sql, revision);
        }

        /** A view compiled from its definition and SQL revision and filled from the tables and views restored so far. */
        MaterializedView evaluate(String name, String sql, int revision) throws IOException;
    }

    public static void write(DataOutput out, CircuitImage image) throws IOException {
        write(out, image, MAGIC_PLANS);
    }

    /**
     * The image under the given format's magic, with table schemas laid out as that format's (CHAR lengths as shorts
     * and no VARCHAR lengths before SVC12), the rest as now: how tests make the snapshots of older engines.
     */
    public static void write(DataOutput out, CircuitImage image, int magic) throws IOException {
        out.writeInt(magic);
        out.writeLong(image.version);
        out.writeInt(image.tables.size());
        for (TableImage t : image.tables) {
            writeSchema(out, t.schema(), magic >= MAGIC_VARCHAR_LENGTHS);
            if (t.packedRows() != null) {
                writePacked(out, t.packedRows(), t.packedCount());
            } else {
                t.multiset().write(out);
            }
        }
        out.writeInt(image.views.size());
        for (CircuitImage.ViewImage v : image.views) {
            out.writeUTF(v.name());
            writeLongString(out, v.sql());
            ByteArrayOutputStream section = new ByteArrayOutputStream(1 << 16);
            DataOutputStream sectionOut = new DataOutputStream(section);
            sectionOut.writeInt(v.revision());
            if (magic >= MAGIC_PLANS) {
                String plan = v.plan().get();
                sectionOut.writeInt(image.planTextKey);
                writeLongString(sectionOut, plan == null ? "" : plan);
            }
            v.content().write(sectionOut);
            (magic >= MAGIC_SHARED ? v.sharedState() : v.operatorState()).write(sectionOut);
            sectionOut.flush();
            out.writeInt(section.size());
            out.write(section.toByteArray());
        }
    }

    /** Rows of a table with a primary key as stored ({@link RowBytes}), so restoring encodes nothing. */
    private static void writePacked(DataOutput out, PackedRows rows, int count) throws IOException {
        out.writeInt(count);
        IOException[] failed = {null};
        rows.forEach((array, offset, length) -> {
            if (failed[0] != null) return;
            try {
                out.writeInt(length);
                out.write(array, offset, length);
            } catch (IOException e) {
                failed[0] = e;
            }
        });
        if (failed[0] != null) throw failed[0];
    }

    public static long read(
            DataInput in, Map<String, BaseTable> tables, Map<String, MaterializedView> views, ViewFactory factory)
            throws IOException {
        int magic = in.readInt();
        if (magic != MAGIC
                && magic != MAGIC_PACKED
                && magic != MAGIC_SECTIONS
                && magic != MAGIC_SPELLED
                && magic != MAGIC_SEMI
                && magic != MAGIC_SCALED
                && magic != MAGIC_TYPMOD
                && magic != MAGIC_EXPRESSION_SCALES
                && magic != MAGIC_LITERAL_SCALES
                && magic != MAGIC_FLOAT4
                && magic != MAGIC_COMPUTED_KEYS
                && magic != MAGIC_VARCHAR_LENGTHS
                && magic != MAGIC_CHAR_RANGES
                && magic != MAGIC_SHARED
                && magic != MAGIC_PLANS) {
            throw new IOException("not a circuit snapshot");
        }
        long version = in.readLong();
        int nTables = in.readInt();
        boolean withLengths = magic >= MAGIC_VARCHAR_LENGTHS;
        for (int i = 0; i < nTables; i++) {
            BaseTable t = new BaseTable(readSchema(
                    in,
                    magic == MAGIC_TYPMOD
                            || magic == MAGIC_EXPRESSION_SCALES
                            || magic == MAGIC_LITERAL_SCALES
                            || magic == MAGIC_FLOAT4
                            || magic == MAGIC_COMPUTED_KEYS
                            || withLengths,
                    withLengths));
            if (magic != MAGIC && t.schema().hasPrimaryKey()) {
                int n = in.readInt();
                t.reservePacked(n);
                for (int r = 0; r < n; r++) {
                    byte[] row = new byte[in.readInt()];
                    in.readFully(row);
                    t.loadPacked(row);
                }
            } else {
                t.apply(RowCodec.readZSet(in));
            }
            tables.put(t.schema().name(), t);
        }
        int nViews = in.readInt();
        if (magic < MAGIC_CHAR_RANGES) {
            readOlderViews(in, magic, nViews, views, factory);
            return version;
        }
        // Views are compiled in creation order (a view may read an earlier one), then their sections,
        // each touching only its own view, are decoded in parallel.
        List<MaterializedView> created = new ArrayList<>(nViews);
        List<byte[]> sections = new ArrayList<>(nViews);
        for (int i = 0; i < nViews; i++) {
            String name = in.readUTF();
            String sql = readLongString(in);
            byte[] section = new byte[in.readInt()];
            in.readFully(section);
            ByteArrayInput head = new ByteArrayInput(section); // the section opens with the revision, then the plan
            int revision = head.readInt();
            MaterializedView v;
            if (magic >= MAGIC_PLANS) {
                int planTextKey = head.readInt();
                String plan = readLongString(head);
                v = factory.create(name, sql, revision, planTextKey, plan.isEmpty() ? null : plan);
            } else {
                v = factory.create(name, sql, revision);
            }
            views.put(name, v);
            created.add(v);
            sections.add(section);
        }
        try {
            IntStream.range(0, nViews).parallel().forEach(i -> {
                try {
                    ByteArrayInput section = new ByteArrayInput(sections.get(i));
                    section.readInt(); // the view's SQL revision, read above
                    if (magic >= MAGIC_PLANS) { // and its plan
                        section.readInt();
                        readLongString(section);
                    }
                    if (magic >= MAGIC_SHARED) {
                        created.get(i).loadContent(section);
                        created.get(i).loadSharedState(section);
                    } else {
                        loadState(created.get(i), section);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return version;
    }

    /**
     * The views of a snapshot before SVC13, each evaluated afresh in creation order (its saved state skipped), under
     * its SQL revision (SVC11 and SVC12 sections open with it; views of older snapshots were all created under 1 or 0).
     */
    private static void readOlderViews(
            DataInput in, int magic, int nViews, Map<String, MaterializedView> views, ViewFactory factory)
            throws IOException {
        for (int i = 0; i < nViews; i++) {
            String name = in.readUTF();
            String sql = readLongString(in);
            int revision = OLDER_REVISION;
            if (magic != MAGIC && magic != MAGIC_PACKED) { // SVC3 on: a sized section
                byte[] section = new byte[in.readInt()];
                in.readFully(section);
                if (magic == MAGIC_COMPUTED_KEYS || magic == MAGIC_VARCHAR_LENGTHS)
                    revision = new ByteArrayInput(section).readInt();
            } else {
                loadState(
                        factory.create(name, sql, OLDER_REVISION),
                        in); // inline: decoded only to find where the next view starts
            }
            views.put(name, factory.evaluate(name, sql, revision));
        }
    }

    private static void loadState(MaterializedView v, DataInput in) throws IOException {
        v.loadContent(in);
        v.dataflow().readState(in);
    }

    private static void writeSchema(DataOutput out, TableSchema s, boolean withLengths) throws IOException {
        out.writeUTF(s.name());
        out.writeShort(s.columns().size());
        for (Column c : s.columns()) {
            out.writeUTF(c.name());
            out.writeByte(c.type().ordinal());
            out.writeBoolean(c.nullable());
            if (withLengths && (c.type() == ColumnType.CHAR || c.type() == ColumnType.VARCHAR))
                out.writeInt(c.length());
            else if (c.type() == ColumnType.CHAR) out.writeShort(c.length());
            if (c.type() == ColumnType.DECIMAL) {
                out.writeShort(c.precision());
                out.writeShort(c.scale());
            }
        }
        out.writeShort(s.primaryKey().length);
        for (int k : s.primaryKey()) {
            out.writeShort(k);
        }
    }

    /**
     * A table schema; withTypmods: whether its NUMERIC columns are followed by precision and scale (SVC7);
     * withLengths: its CHAR and VARCHAR columns by their length as an int (SVC12; CHAR's was a short).
     */
    private static TableSchema readSchema(DataInput in, boolean withTypmods, boolean withLengths) throws IOException {
        String name = in.readUTF();
        int n = in.readShort();
        List<Column> columns = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String column = in.readUTF();
            ColumnType type = ColumnType.values()[in.readByte()];
            boolean nullable = in.readBoolean();
            int length = 0;
            if (withLengths && (type == ColumnType.CHAR || type == ColumnType.VARCHAR)) length = in.readInt();
            else if (type == ColumnType.CHAR) length = in.readShort(); // before SVC12 (so CHAR(n) beyond 32767 was cut)
            boolean typmod = withTypmods && type == ColumnType.DECIMAL;
            int precision = typmod ? in.readShort() : 0;
            int scale = typmod ? in.readShort() : 0;
            columns.add(new Column(column, type, nullable, length, precision, scale));
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
