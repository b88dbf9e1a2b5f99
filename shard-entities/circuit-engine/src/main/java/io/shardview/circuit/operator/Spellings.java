package io.shardview.circuit.operator;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.ZSet;
import java.util.Map;

/**
 * The spellings of one group of rows that are equal as SQL values but whose CHAR values are padded
 * differently ('a', 'a ', 'a  ') or whose NUMERIC values have different scales (2, 2.0, 2.00), each with
 * its copies. DISTINCT, UNION and GROUP BY show such a group as one row: PostgreSQL as the spelling it
 * meets first, which depends on its plan and the order of its rows; here as the first in
 * {@link Row#NATURAL_ORDER} among those with copies (fewest blanks, then smallest scale, column by
 * column), a choice PostgreSQL may make that depends only on the rows present.
 */
final class Spellings {
    private final ZSet copies = new ZSet(1);

    void add(Row spelling, long weight) {
        copies.add(spelling, weight);
    }

    boolean isEmpty() {
        return copies.isEmpty();
    }

    /** Each spelling with its copies. */
    ZSet copies() {
        return copies;
    }

    /** The spelling shown, or null while the group has no copies in all. */
    Row shown() {
        long total = 0;
        Row shown = null;
        for (Map.Entry<Row, Long> e : copies.entries().entrySet()) {
            total += e.getValue();
            if (e.getValue() > 0 && (shown == null || Row.NATURAL_ORDER.compare(e.getKey(), shown) < 0))
                shown = e.getKey();
        }
        return total > 0 ? shown : null;
    }
}
