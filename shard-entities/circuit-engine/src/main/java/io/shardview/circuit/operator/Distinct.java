package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.data.ZSetImage;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.HashMap;

/**
 * SELECT DISTINCT and UNION: each input row once while it has copies. On deltas: a row is inserted when
 * its copy count rises from zero and retracted when it falls back to zero; other changes emit nothing.
 * Rows equal as SQL values but spelled differently (CHAR values padded differently, 'a' and 'a  ', or
 * NUMERIC values of different scales, 2.0 and 2.00) are one row, shown in the spelling chosen by
 * {@link Spellings} among those with copies. State: the copy count of every distinct input row; for a
 * row with CHAR or NUMERIC values, of each of its spellings.
 */
public final class Distinct implements Operator {
    private final boolean spelledColumns;
    private final HashMap<Row, Long> copies = new HashMap<>();
    /** Rows with a CHAR or NUMERIC value, by SQL equality. */
    private final HashMap<Row, Spellings> spelled = new HashMap<>();

    /** spelledColumns: whether an input column is CHAR or NUMERIC (else no row is looked at for spellings). */
    public Distinct(boolean spelledColumns) {
        this.spelledColumns = spelledColumns;
    }

    @Override
    public ZSet step(ZSet[] inputs) {
        ZSet out = new ZSet();
        inputs[0].forEach((row, w) -> {
            if (spelledColumns && row.hasSpelled()) {
                respell(row, w, out);
                return;
            }
            long before = count(row, w);
            long after = before + w;
            if (before <= 0 && after > 0) out.add(row, 1);
            if (before > 0 && after <= 0) out.add(row, -1);
        });
        return out;
    }

    @Override
    public void undo(ZSet[] inputs) {
        inputs[0].forEach((row, w) -> {
            if (spelledColumns && row.hasSpelled()) respell(row, -w, null);
            else count(row, -w);
        });
    }

    /** Adds w copies of a row; returns the count before. */
    private long count(Row row, long w) {
        long before = copies.getOrDefault(row, 0L);
        long after = before + w;
        if (after == 0) copies.remove(row);
        else copies.put(row, after);
        return before;
    }

    /** Adds w copies of a row with CHAR or NUMERIC values; its group's shown spelling may change (into out, when given). */
    private void respell(Row row, long w, ZSet out) {
        Spellings s = spelled.computeIfAbsent(row, k -> new Spellings());
        Row before = s.shown();
        s.add(row, w);
        if (s.isEmpty()) spelled.remove(row);
        if (out == null) return;
        if (before != null) out.add(before, -1);
        Row after = s.shown();
        if (after != null) out.add(after, 1);
    }

    /** Every row with its copies, as one Z-set (the rows of a spelled group apart). */
    private ZSet allCopies() {
        ZSet all = new ZSet(copies.size() + spelled.size());
        copies.forEach(all::add);
        spelled.values().forEach(s -> all.addAll(s.copies()));
        return all;
    }

    @Override
    public void writeState(DataOutput out) throws IOException {
        RowCodec.writeZSet(out, allCopies());
    }

    @Override
    public StateImage stateImage() {
        return (spelled.isEmpty() ? ZSetImage.of(copies) : ZSetImage.of(allCopies()))::write;
    }

    /** Reads the rows with their copies; a snapshot from before spellings were kept apart holds one per group. */
    @Override
    public void readState(DataInput in) throws IOException {
        copies.clear();
        spelled.clear();
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            Row r = RowCodec.readRow(in);
            long w = in.readLong();
            if (spelledColumns && r.hasSpelled()) respell(r, w, null);
            else copies.put(r, w);
        }
    }

    @Override
    public long stateRows() {
        return copies.size() + spelled.size();
    }
}
