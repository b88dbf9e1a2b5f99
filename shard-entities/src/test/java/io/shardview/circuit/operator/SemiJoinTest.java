package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.step;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.Row;
import io.shardview.circuit.ZSet;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A semi- or anti-join on keys alone, which re-judges a key's rows only when its right side turns empty or not,
 * gives what re-judging every touched key's rows with a residual that always holds gives: random deltas with NULL
 * keys, retractions and several copies on both sides.
 */
class SemiJoinTest {
    private static final JoinKeys KEY0 = new JoinKeys(new int[] {0}, new boolean[] {false});

    @Test
    void aKeysRowsChangeOnlyWhenItsRightSideTurnsEmptyOrNot() {
        SemiJoin semi = new SemiJoin(KEY0, KEY0, null, false);
        assertEquals(none(), step(semi, insert(1L, "l"), none()));
        assertEquals(insert(1L, "l"), step(semi, none(), insert(1L, "r1")));
        assertEquals(none(), step(semi, none(), insert(1L, "r2")), "a second match changes nothing");
        assertEquals(none(), step(semi, none(), delete(1L, "r1")));
        assertEquals(delete(1L, "l"), step(semi, none(), delete(1L, "r2")));
    }

    @Test
    void matchesTheJoinReJudgingEveryTouchedKey() {
        for (boolean anti : new boolean[] {false, true}) {
            Random rnd = new Random(anti ? 2 : 1);
            SemiJoin byExistence = new SemiJoin(KEY0, KEY0, null, anti);
            SemiJoin everyRow = new SemiJoin(KEY0, KEY0, row -> Boolean.TRUE, anti);
            ZSet leftRows = new ZSet();
            ZSet rightRows = new ZSet();
            for (int s = 0; s < 400; s++) {
                ZSet dl = delta(rnd, leftRows);
                ZSet dr = delta(rnd, rightRows);
                assertEquals(step(everyRow, dl, dr), step(byExistence, dl, dr), (anti ? "anti" : "semi") + " step " + s);
                leftRows.addAll(dl);
                rightRows.addAll(dr);
            }
        }
    }

    /** Inserts of new rows and deletes of current ones, keys 0..3 or NULL. */
    private static ZSet delta(Random rnd, ZSet current) {
        ZSet d = new ZSet();
        for (int i = rnd.nextInt(4); i > 0; i--) {
            Long key = rnd.nextInt(6) == 0 ? null : (long) rnd.nextInt(4);
            d.add(Row.of(key, "t" + rnd.nextInt(1000)), 1 + rnd.nextInt(2));
        }
        current.forEach((row, w) -> {
            if (rnd.nextInt(3) == 0) d.add(row, -w);
        });
        return d;
    }
}
