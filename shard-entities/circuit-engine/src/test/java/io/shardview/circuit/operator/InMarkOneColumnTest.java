package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.twelveBy;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * x IN (subquery) as a three-valued column beside each row, per correlation group, from deltas on both sides; an x
 * computed by the mark that fails ({@code 12 / x} for x = 0) is FALSE while its group's subquery has nothing to
 * compare it with, and fails the step as soon as it has (PostgreSQL 15: SELECT (1 / 0) IN (SELECT 1 WHERE false) is
 * FALSE, SELECT (1 / 0) IN (SELECT NULL::int) fails).
 */
class InMarkOneColumnTest {
    /** x in column 0 of the rows, y in column 0 of the subquery; correlated: rows' column 1 with the subquery's column 1. */
    private static InMark op(boolean correlated, boolean asBpchar) {
        int[] none = {};
        return new InMark(
                new JoinKeys(new int[] {0}, new boolean[] {true}, new boolean[] {asBpchar}),
                new JoinKeys(new int[] {0}, new boolean[] {true}, new boolean[] {asBpchar}),
                correlated ? new JoinKeys(new int[] {1}, new boolean[1]) : new JoinKeys(none, new boolean[0]),
                correlated ? new JoinKeys(new int[] {1}, new boolean[1]) : new JoinKeys(none, new boolean[0]));
    }

    private static ZSet step(InMark op, ZSet rows, ZSet subquery) {
        return op.step(new ZSet[] {rows, subquery});
    }

    @Test
    void aRowMatchingTwoValuesEqualAsBpcharIsMarkedOnce() {
        InMark op = op(false, true);
        assertEquals(insert("zz", true), step(op, insert("zz"), of(w("zz", 1), w("zz ", 1))));
        assertEquals(none(), step(op, none(), delete("zz")), "one match left");
        assertEquals(of(w("zz", true, -1), w("zz", false, 1)), step(op, none(), delete("zz ")));
        assertEquals(none(), step(op, none(), insert("q")), "FALSE either way: an empty subquery, then no match");
    }

    @Test
    void aNullRowIsFalseOnlyWhileTheSubqueryIsEmptyAndANullValueMakesUnmatchedRowsNull() {
        InMark op = op(false, false);
        assertEquals(of(w(1L, false, 1), w(null, false, 1)), step(op, of(w(1L, 1), w(null, 1)), none()));
        assertEquals(of(w(null, false, -1), w(null, null, 1)), step(op, none(), insert(2L)));
        assertEquals(of(w(1L, false, -1), w(1L, null, 1)), step(op, none(), insert((Object) null)));
        assertEquals(of(w(1L, null, -1), w(1L, true, 1)), step(op, none(), insert(1L)));
        assertEquals(
                of(w(1L, true, -1), w(1L, false, 1), w(null, null, -1), w(null, false, 1)),
                step(op, none(), of(w(1L, -1), w(2L, -1), w(null, -1))));
    }

    @Test
    void eachRowMeetsOnlyTheSubqueryRowsOfItsGroupAndANullGroupMeetsNone() {
        InMark op = op(true, false);
        assertEquals(
                of(w(5L, 1L, true, 1), w(5L, 2L, false, 1), w(5L, null, false, 1)),
                step(op, of(w(5L, 1L, 1), w(5L, 2L, 1), w(5L, null, 1)), of(w(5L, 1L, 1), w(null, null, 1))));
        assertEquals(
                of(w(5L, 2L, false, -1), w(5L, 2L, null, 1)),
                step(op, none(), insert(null, 2L)),
                "a NULL in group 2 leaves group 1 alone");
    }

    /** From scratch: PostgreSQL's x IN (SELECT y FROM subquery WHERE g = row.g) for each row. */
    private static ZSet scratch(ZSet rows, ZSet subquery) {
        ZSet out = new ZSet();
        rows.forEach((row, w) -> {
            Object g = row.get(1);
            var group = subquery.entries().keySet().stream()
                    .filter(r -> g != null && g.equals(r.get(1)))
                    .toList();
            Boolean mark;
            Object x = row.get(0);
            if (x != null && group.stream().anyMatch(r -> x.equals(r.get(0)))) mark = true;
            else if (group.isEmpty()) mark = false;
            else if (x == null || group.stream().anyMatch(r -> r.get(0) == null)) mark = null;
            else mark = false;
            out.add(row.concat(Row.wrap(mark)), w);
        });
        return out;
    }

    @Test
    void randomDeltasWithNullsAndGroupsMatchAFromScratchEvaluationThroughUndoAndSnapshots() throws Exception {
        for (long seed = 0; seed < 300; seed++) {
            Random rnd = new Random(seed);
            InMark op = op(true, false);
            ZSet rows = new ZSet();
            ZSet subquery = new ZSet();
            ZSet content = new ZSet();
            for (int step = 0; step < 15; step++) {
                ZSet dRows = delta(rnd, rows);
                ZSet dSub = delta(rnd, subquery);
                if (rnd.nextInt(4) == 0) op = restored(op);
                ZSet out = step(op, dRows, dSub);
                if (rnd.nextInt(5) == 0) { // a step undone, then taken again
                    op.undo(new ZSet[] {dRows, dSub});
                    out = step(op, dRows, dSub);
                }
                content.addAll(out);
                rows.addAll(dRows);
                subquery.addAll(dSub);
                assertEquals(scratch(rows, subquery), content, "seed " + seed + " step " + step);
            }
        }
    }

    private static InMark restored(InMark op) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        op.writeState(new DataOutputStream(bytes));
        InMark copy = op(true, false);
        copy.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        return copy;
    }

    /** 12 / x IN (SELECT y FROM subquery WHERE g = row.g); nullRowsIgnored: a hashed subplan's (see InMark). */
    private static InMark twelveByXIn(boolean nullRowsIgnored) {
        JoinKeys group = new JoinKeys(new int[] {1}, new boolean[1]);
        return new InMark(
                new InValues(new Expr[] {twelveBy(0)}, new boolean[] {true}, new boolean[1]),
                new JoinKeys(new int[] {0}, new boolean[] {true}),
                group,
                group,
                nullRowsIgnored);
    }

    @Test
    void aRowWhoseValueFailsIsFalseAndFailsTheStepWhileItsGroupsSubqueryHasRows() {
        InMark op = twelveByXIn(false);
        assertEquals(
                of(w(0L, 1L, false, 1), w(3L, 1L, false, 1), w(0L, null, false, 1)),
                step(op, of(w(0L, 1L, 1), w(3L, 1L, 1), w(0L, null, 1)), of(w(4L, 2L, 1), w(4L, null, 1))),
                "group 1 is empty, a NULL group meets nothing");
        EvaluationException e = assertThrows(
                EvaluationException.class, () -> step(op, none(), insert(null, 1L)), "a NULL y is compared too");
        assertEquals("division by zero", e.getMessage());
        assertThrows(EvaluationException.class, () -> step(op, insert(0L, 2L), none()), "group 2 has a row");
        assertEquals(
                of(w(0L, 1L, false, -1), w(3L, 1L, false, -1), w(3L, 1L, true, 1)),
                step(op, delete(0L, 1L), insert(4L, 1L)),
                "the failing row leaves as its group turns non-empty");
        assertEquals(
                of(w(3L, 1L, true, -1), w(3L, 1L, false, 1), w(0L, 1L, false, 1)),
                step(op, insert(0L, 1L), delete(4L, 1L)),
                "its group turns empty as it comes back");
        assertThrows(EvaluationException.class, () -> step(op, none(), insert(7L, 1L)));
        assertEquals(of(w(0L, 1L, false, -1)), step(op, delete(0L, 1L), none()));
    }

    @Test
    void aHashedMarkComparesAFailingValueOnlyWithSubqueryRowsWithoutNull() {
        InMark op = twelveByXIn(true);
        assertEquals(of(w(0L, 1L, false, 1), w(3L, 1L, false, 1)), step(op, of(w(0L, 1L, 1), w(3L, 1L, 1)), none()));
        assertEquals(
                of(w(3L, 1L, false, -1), w(3L, 1L, null, 1)),
                step(op, none(), insert(null, 1L)),
                "x = 3 meets a NULL; 12 / 0 is not compared with it");
        assertThrows(EvaluationException.class, () -> step(op, none(), insert(5L, 1L)));
    }

    /** From scratch, x computed as 12 / x: FALSE for x = 0 (the step must not have failed). */
    private static ZSet scratchTwelveBy(ZSet rows, ZSet subquery) {
        ZSet computed = new ZSet();
        rows.forEach((row, w) -> {
            Long x = (Long) row.get(0);
            computed.add(Row.of(x == null || x == 0 ? null : 12 / x, row.get(1), row.get(0)), w);
        });
        ZSet out = new ZSet();
        scratch(computed, subquery).forEach((r, w) -> {
            boolean failed = Long.valueOf(0).equals(r.get(2));
            out.add(Row.of(r.get(2), r.get(1), failed ? Boolean.FALSE : r.get(3)), w);
        });
        return out;
    }

    @Test
    void randomDeltasWithFailingValuesMatchAFromScratchEvaluationThroughFailuresUndoAndSnapshots() throws Exception {
        int failures = 0;
        for (boolean nullRowsIgnored : new boolean[] {false, true}) {
            for (long seed = 0; seed < 200; seed++) {
                failures += Deltas.throughFailures(
                        new Random(seed),
                        15,
                        () -> twelveByXIn(nullRowsIgnored),
                        4,
                        InMarkOneColumnTest::delta,
                        InMarkOneColumnTest::delta,
                        (rows, subquery) -> rows.entries().keySet().stream()
                                .anyMatch(r -> Long.valueOf(0).equals(r.get(0))
                                        && r.get(1) != null
                                        && subquery.entries().keySet().stream()
                                                .anyMatch(v -> r.get(1).equals(v.get(1))
                                                        && (!nullRowsIgnored || v.get(0) != null))),
                        InMarkOneColumnTest::scratchTwelveBy,
                        "seed " + seed + " ignoring NULLs " + nullRowsIgnored);
            }
        }
        assertTrue(failures > 100, failures + " failed steps");
    }

    /** Inserts of small values and groups (NULL now and then) and deletes of present rows. */
    private static ZSet delta(Random rnd, ZSet current) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            if (!current.isEmpty() && rnd.nextInt(3) == 0) {
                Row r = current.entries().keySet().stream()
                        .skip(rnd.nextInt(current.size()))
                        .findFirst()
                        .orElseThrow();
                if (current.weight(r) + d.weight(r) > 0) d.add(r, -1);
                continue;
            }
            Object x = rnd.nextInt(6) == 0 ? null : (long) rnd.nextInt(4);
            Object g = rnd.nextInt(8) == 0 ? null : (long) rnd.nextInt(2);
            d.add(Row.of(x, g), 1);
        }
        return d;
    }
}
