package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * (x1, ..., xk) IN (subquery) as a three-valued column beside each row, with PostgreSQL's row comparison
 * (each answer below checked in PostgreSQL 15, e.g. SELECT (1, NULL::int) IN (SELECT 1, 2) is NULL).
 */
class InMarkTest {
    /** The rows' columns 0..k-1 against the subquery's; correlated: then the rows' column k with the subquery's column k. */
    private static InMark op(int k, boolean correlated) {
        int[] columns = new int[k];
        Arrays.setAll(columns, i -> i);
        boolean[] nullSafe = new boolean[k];
        Arrays.fill(nullSafe, true);
        JoinKeys group =
                correlated ? new JoinKeys(new int[] {k}, new boolean[1]) : new JoinKeys(new int[0], new boolean[0]);
        return new InMark(new JoinKeys(columns, nullSafe), new JoinKeys(columns, nullSafe), group, group);
    }

    private static ZSet step(InMark op, ZSet rows, ZSet subquery) {
        return op.step(new ZSet[] {rows, subquery});
    }

    @Test
    void anEmptySubqueryIsFalseEvenForNullValues() {
        InMark op = op(2, false);
        assertEquals(
                of(w(null, null, false, 1), w(1L, null, false, 1), w(1L, 2L, false, 1)),
                step(op, of(w(null, null, 1), w(1L, null, 1), w(1L, 2L, 1)), none()));
        assertEquals(
                of(w(null, null, false, -1), w(null, null, null, 1), w(1L, null, false, -1), w(1L, null, null, 1)),
                step(op, none(), insert(1L, 3L)),
                "(NULL, NULL) and (1, NULL) meet (1, 3) with no column FALSE");
        assertEquals(
                of(w(null, null, null, -1), w(null, null, false, 1), w(1L, null, null, -1), w(1L, null, false, 1)),
                step(op, none(), delete(1L, 3L)),
                "empty again");
    }

    @Test
    void aSubqueryRowWithANullMakesTheRowsEqualOnItsOtherColumnsNull() {
        InMark op = op(2, false);
        step(op, of(w(1L, 2L, 1), w(1L, 3L, 1), w(2L, 2L, 1)), insert(9L, 9L));
        assertEquals(
                of(w(1L, 2L, false, -1), w(1L, 2L, null, 1), w(1L, 3L, false, -1), w(1L, 3L, null, 1)),
                step(op, none(), insert(1L, null)),
                "(1, NULL) leaves (2, 2) FALSE");
        assertEquals(of(w(1L, 2L, null, -1), w(1L, 2L, true, 1)), step(op, none(), insert(1L, 2L)));
        assertEquals(
                of(w(2L, 2L, false, -1), w(2L, 2L, null, 1)),
                step(op, none(), insert(null, 2L)),
                "(1, 3) stays NULL through (1, NULL), (1, 2) TRUE");
        assertEquals(of(w(1L, 3L, null, -1), w(1L, 3L, false, 1)), step(op, none(), delete(1L, null)));
        assertEquals(
                of(w(1L, 3L, false, -1), w(1L, 3L, null, 1)),
                step(op, none(), insert(null, null)),
                "(NULL, NULL) compares FALSE in no column with anything");
    }

    @Test
    void duplicatesOnEitherSideCountAndEachRowComesOutOnceWithItsWeight() {
        InMark op = op(2, false);
        assertEquals(of(w(1L, 2L, true, 2)), step(op, of(w(1L, 2L, 2)), of(w(1L, 2L, 2))));
        assertEquals(none(), step(op, none(), delete(1L, 2L)), "one equal row left");
        assertEquals(of(w(1L, 2L, true, -2), w(1L, 2L, false, 2)), step(op, none(), of(w(1L, 2L, -1), w(5L, 5L, 1))));
        assertEquals(of(w(1L, 2L, false, -1)), step(op, delete(1L, 2L), none()));
    }

    @Test
    void aChangeReMarksOnlyTheRowsItCanAnswerDifferently() {
        InMark op = op(2, false);
        ZSet rows = new ZSet();
        for (long a = 0; a < 50; a++) for (long b = 0; b < 4; b++) rows.add(Row.of(a, b), 1);
        step(op, rows, insert(100L, 100L));
        assertEquals(
                of(
                        w(7L, 0L, false, -1),
                        w(7L, 0L, null, 1),
                        w(7L, 1L, false, -1),
                        w(7L, 1L, null, 1),
                        w(7L, 2L, false, -1),
                        w(7L, 2L, null, 1),
                        w(7L, 3L, false, -1),
                        w(7L, 3L, null, 1)),
                step(op, none(), insert(7L, null)),
                "the four rows (7, b), of 200");
        assertEquals(of(w(7L, 1L, null, -1), w(7L, 1L, true, 1)), step(op, none(), insert(7L, 1L)));
        assertEquals(
                none(), step(op, none(), insert(7L, 9L)), "(7, 9) is no row's and (7, NULL) already makes (7, b) NULL");
    }

    @Test
    void eachRowMeetsOnlyItsGroupAndANullGroupMeetsNone() {
        InMark op = op(2, true);
        assertEquals(
                of(w(1L, 2L, 5L, true, 1), w(1L, 2L, 6L, false, 1), w(1L, 2L, null, false, 1)),
                step(
                        op,
                        of(w(1L, 2L, 5L, 1), w(1L, 2L, 6L, 1), w(1L, 2L, null, 1)),
                        of(w(1L, 2L, 5L, 1), w(1L, 2L, null, 1))));
        assertEquals(of(w(1L, 2L, 6L, false, -1), w(1L, 2L, 6L, null, 1)), step(op, none(), insert(null, 2L, 6L)));
    }

    /** From scratch: PostgreSQL's (x1, ..., xk) IN (SELECT y1, ..., yk FROM subquery WHERE g = row.g) for each row. */
    private static ZSet scratch(int k, ZSet rows, ZSet subquery) {
        ZSet out = new ZSet();
        rows.forEach((row, w) -> {
            Object g = row.get(k);
            List<Row> group = subquery.entries().keySet().stream()
                    .filter(r -> g != null && g.equals(r.get(k)))
                    .toList();
            Boolean mark = Boolean.FALSE; // also for an empty group
            for (Row r : group) {
                Boolean rowEqual = Boolean.TRUE;
                for (int i = 0; i < k && rowEqual != Boolean.FALSE; i++) {
                    Object x = row.get(i);
                    Object y = r.get(i);
                    if (x == null || y == null) rowEqual = null;
                    else if (!x.equals(y)) rowEqual = Boolean.FALSE;
                }
                if (rowEqual == Boolean.TRUE) mark = Boolean.TRUE;
                else if (rowEqual == null && mark == Boolean.FALSE) mark = null;
            }
            out.add(row.concat(Row.wrap(mark)), w);
        });
        return out;
    }

    @Test
    void randomDeltasWithNullsDuplicatesAndGroupsMatchAFromScratchEvaluationThroughUndoAndSnapshots() throws Exception {
        for (int k = 2; k <= 3; k++) {
            for (long seed = 0; seed < 300; seed++) {
                Random rnd = new Random(seed);
                InMark op = op(k, true);
                ZSet rows = new ZSet();
                ZSet subquery = new ZSet();
                ZSet content = new ZSet();
                for (int step = 0; step < 15; step++) {
                    ZSet dRows = delta(rnd, k, rows);
                    ZSet dSub = delta(rnd, k, subquery);
                    if (rnd.nextInt(4) == 0) op = restored(op, k);
                    ZSet out = step(op, dRows, dSub);
                    if (rnd.nextInt(5) == 0) { // a step undone, then taken again
                        op.undo(new ZSet[] {dRows, dSub});
                        out = step(op, dRows, dSub);
                    }
                    content.addAll(out);
                    rows.addAll(dRows);
                    subquery.addAll(dSub);
                    assertEquals(scratch(k, rows, subquery), content, "k " + k + " seed " + seed + " step " + step);
                }
            }
        }
    }

    private static InMark restored(InMark op, int k) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        op.writeState(new DataOutputStream(bytes));
        InMark copy = op(k, true);
        copy.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return copy;
    }

    /** Inserts (some twice) of small values and groups (NULL now and then) and deletes of present rows. */
    private static ZSet delta(Random rnd, int k, ZSet current) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(5); i > 0; i--) {
            if (!current.isEmpty() && rnd.nextInt(3) == 0) {
                Row r = current.entries().keySet().stream()
                        .skip(rnd.nextInt(current.size()))
                        .findFirst()
                        .orElseThrow();
                if (current.weight(r) + d.weight(r) > 0) d.add(r, -1);
                continue;
            }
            Object[] values = new Object[k + 1];
            for (int j = 0; j < k; j++) values[j] = rnd.nextInt(4) == 0 ? null : (long) rnd.nextInt(3);
            values[k] = rnd.nextInt(8) == 0 ? null : (long) rnd.nextInt(2);
            d.add(Row.of(values), 1 + rnd.nextInt(2));
        }
        return d;
    }
}
