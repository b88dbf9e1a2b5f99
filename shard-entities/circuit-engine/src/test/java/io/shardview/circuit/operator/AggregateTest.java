package io.shardview.circuit.operator;

import static io.shardview.circuit.operator.Deltas.delete;
import static io.shardview.circuit.operator.Deltas.insert;
import static io.shardview.circuit.operator.Deltas.none;
import static io.shardview.circuit.operator.Deltas.of;
import static io.shardview.circuit.operator.Deltas.step;
import static io.shardview.circuit.operator.Deltas.w;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.data.ZSet;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.FixedChar;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class AggregateTest {
    private static Aggregate groupBy0(Accumulator.Kind kind) {
        return new Aggregate(new int[] {0}, new Aggregate.Call[] {new Aggregate.Call(kind, 1, null)}, false);
    }

    @Test
    void deletingTheMinimumRetractsItAndExposesTheNextMinimum() {
        Aggregate min = groupBy0(Accumulator.Kind.MIN);
        step(min, of(w("g", 5L, 1), w("g", 3L, 1), w("g", 3L, 1), w("g", 9L, 1)));
        assertEquals(none(), step(min, delete("g", 3L)), "one copy of the minimum remains");
        assertEquals(of(w("g", 3L, -1), w("g", 5L, 1)), step(min, delete("g", 3L)));
    }

    @Test
    void maxFollowsInsertAndRetractOfTheMaximum() {
        Aggregate max = groupBy0(Accumulator.Kind.MAX);
        step(max, of(w("g", 5L, 1), w("g", 7L, 1)));
        assertEquals(of(w("g", 7L, -1), w("g", 5L, 1)), step(max, delete("g", 7L)));
        assertEquals(of(w("g", 5L, -1), w("g", 8L, 1)), step(max, insert("g", 8L)));
    }

    @Test
    void countReachingZeroRemovesTheGroupRow() {
        Aggregate count = new Aggregate(
                new int[] {0}, new Aggregate.Call[] {new Aggregate.Call(Accumulator.Kind.COUNT_STAR, -1, null)}, false);
        assertEquals(insert("g", 2L), step(count, of(w("g", 1L, 1), w("g", 2L, 1))));
        assertEquals(of(w("g", 2L, -1), w("g", 1L, 1)), step(count, delete("g", 1L)));
        assertEquals(delete("g", 1L), step(count, delete("g", 2L)));
    }

    @Test
    void countOfNullsIgnoresThem() {
        Aggregate count = groupBy0(Accumulator.Kind.COUNT);
        assertEquals(insert("g", 1L), step(count, of(w("g", null, 1), w("g", 4L, 1))));
    }

    @Test
    void aNumericSumShowsTheLargestScaleAmongTheRowsStillInTheGroup() {
        Aggregate sum = groupBy0(Accumulator.Kind.SUM_DECIMAL);
        step(sum, of(w("g", new BigDecimal("2.5"), 1), w("g", new BigDecimal("1.250"), 1)));
        ZSet after = step(sum, delete("g", new BigDecimal("1.250")));
        java.util.List<String> shown = new java.util.ArrayList<>();
        after.forEach((row, weight) -> {
            if (weight > 0) shown.add(row.get(1).toString());
        });
        assertEquals(java.util.List.of("2.5"), shown, "as SUM over the one remaining row, 2.5, shows it");
    }

    @Test
    void avgOfAnEmptiedGlobalGroupIsNullAndCountIsZero() {
        Aggregate global = new Aggregate(
                new int[0],
                new Aggregate.Call[] {
                    new Aggregate.Call(Accumulator.Kind.COUNT_STAR, -1, null),
                    new Aggregate.Call(Accumulator.Kind.AVG_DECIMAL, 0, null)
                },
                false);
        assertEquals(insert(0L, null), step(global, none()), "the first step emits the row of the empty input");
        ZSet filled = step(global, of(w(1L, 1), w(2L, 1)));
        assertEquals(of(w(0L, null, -1), w(2L, new BigDecimal("1.5000000000000000"), 1)), filled);
        assertEquals(
                of(w(2L, new BigDecimal("1.5000000000000000"), -1), w(0L, null, 1)),
                step(global, of(w(1L, -1), w(2L, -1))));
    }

    @Test
    void sumOfIntegersStaysExactUnderRetraction() {
        Aggregate sum = groupBy0(Accumulator.Kind.SUM_DOUBLE);
        step(sum, of(w("g", 0.1, 1), w("g", 0.2, 1)));
        assertEquals(
                of(w("g", 0.1 + 0.2, -1), w("g", 0.1, 1)),
                step(sum, delete("g", 0.2)),
                "after retracting 0.2 the sum is exactly 0.1, as a from-scratch sum would be");
    }

    /** The result of an accumulator fed the given (value, weight) pairs, or the error it fails with. */
    private static Object result(Accumulator.Kind kind, Object... valueWeight) {
        Accumulator a = Accumulator.create(kind, null);
        for (int i = 0; i < valueWeight.length; i += 2)
            a.add(valueWeight[i], ((Number) valueWeight[i + 1]).longValue());
        try {
            return a.result();
        } catch (EvaluationException e) {
            return e.getMessage();
        }
    }

    @Test
    void avgOfDoublesOverflowsWherePostgresFloat8AccumOverflows() {
        String overflow = "value out of range: overflow";
        // PostgreSQL 15: avg of (1e308, 1e308), (1e308, 0), (1e308, -1e308), (2e154, 0) fail; of (1e308), (1e154, 0) do
        // not.
        assertEquals(1e308, result(Accumulator.Kind.AVG_DOUBLE, 1e308, 1));
        assertEquals(overflow, result(Accumulator.Kind.AVG_DOUBLE, 1e308, 2), "the sum overflows");
        assertEquals(
                overflow,
                result(Accumulator.Kind.AVG_DOUBLE, 1e308, 1, 0.0, 1),
                "the sum of squared deviations overflows");
        assertEquals(overflow, result(Accumulator.Kind.AVG_DOUBLE, 1e308, 1, -1e308, 1));
        assertEquals(overflow, result(Accumulator.Kind.AVG_DOUBLE, 2e154, 1, 0.0, 1));
        assertEquals(5e153, result(Accumulator.Kind.AVG_DOUBLE, 1e154, 1, 0.0, 1));
        assertEquals(1e300, result(Accumulator.Kind.AVG_DOUBLE, 1e300, 2));
        assertEquals(
                1e308,
                result(Accumulator.Kind.AVG_DOUBLE, 1e308, 1, 0.0, 1, 0.0, -1),
                "retracting the 0 removes the overflow");
        assertEquals(
                Double.POSITIVE_INFINITY,
                result(Accumulator.Kind.AVG_DOUBLE, 1e308, 2, Double.POSITIVE_INFINITY, 1),
                "with an infinite input the result is infinite, as in PostgreSQL when it comes first");
        // SUM(float8) adds with float8 overflow checks: only the total matters here.
        assertEquals(1e308, result(Accumulator.Kind.SUM_DOUBLE, 1e308, 1, 0.0, 1));
        assertEquals(overflow, result(Accumulator.Kind.SUM_DOUBLE, 1e308, 2));
    }

    @Test
    void aSumOfIntegersIsExactPastALongAndBackAndFailsOnlyWhereItsBigintResultWould() {
        String outOfRange = EvaluationException.outOfRange("bigint").getMessage();
        Accumulator.Kind sum = Accumulator.Kind.SUM_LONG;
        assertEquals(7L, result(sum, 3, 1, 4L, 1));
        // Many copies of a value (a large weight) pass a long; retracted, the sum is exact again.
        assertEquals(5L, result(sum, Integer.MAX_VALUE, Long.MAX_VALUE, Integer.MAX_VALUE, -Long.MAX_VALUE, 5, 1));
        assertEquals(Long.MAX_VALUE, result(sum, 1, Long.MAX_VALUE, 1, 1, 1, -1), "past a long by one, then back");
        assertEquals(outOfRange, result(sum, 1, Long.MAX_VALUE, 1, 1), "a total past bigint fails as PostgreSQL's");
        assertEquals(outOfRange, result(sum, -1, Long.MAX_VALUE, -2, 1), "and below it");
        assertEquals(Long.MIN_VALUE, result(sum, -1, Long.MAX_VALUE, -1, 1), "the least bigint fits");
    }

    @Test
    void theSumOfSquaresOfAvgSurvivesASnapshot() throws Exception {
        Accumulator a = Accumulator.create(Accumulator.Kind.AVG_DOUBLE, null);
        a.add(1e308, 1);
        a.add(0.0, 1);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        a.write(new java.io.DataOutputStream(bytes));
        Accumulator b = Accumulator.create(Accumulator.Kind.AVG_DOUBLE, null);
        b.read(new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray())));
        org.junit.jupiter.api.Assertions.assertThrows(EvaluationException.class, b::result);
        b.add(0.0, -1);
        assertEquals(1e308, b.result());
    }

    @Test
    void aGroupKeyPaddedDifferentlyIsOneGroupShownWithTheFewestBlanksPresent() {
        FixedChar a3 = new FixedChar("a", 3);
        FixedChar a1 = new FixedChar("a", 1);
        Aggregate count = new Aggregate(
                new int[] {0}, new Aggregate.Call[] {new Aggregate.Call(Accumulator.Kind.COUNT_STAR, -1, null)}, true);
        assertEquals(insert(a3, 1L), step(count, insert(a3, 0L)));
        assertEquals(of(w(a3, 1L, -1), w(a1, 2L, 1)), step(count, insert(a1, 0L)));
        assertEquals(of(w(a1, 2L, -1), w(a3, 1L, 1)), step(count, delete(a1, 0L)), "no row spelled 'a' is left");
    }

    @Test
    void aStateWrittenBeforeSpellingsWereKeptReadsWithTheKeysSpelling() throws IOException {
        // The layout before: started, the groups, each as key, row count and accumulators (COUNT(*): the count).
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream old = new DataOutputStream(bytes);
        old.writeBoolean(true);
        old.writeInt(1);
        RowCodec.writeRow(old, Row.of(new FixedChar("a", 3)));
        old.writeLong(2);
        old.writeLong(2);
        Aggregate count = new Aggregate(
                new int[] {0}, new Aggregate.Call[] {new Aggregate.Call(Accumulator.Kind.COUNT_STAR, -1, null)}, true);
        count.readState(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        FixedChar a1 = new FixedChar("a", 1);
        assertEquals(of(w(new FixedChar("a", 3), 2L, -1), w(a1, 3L, 1)), step(count, insert(a1, 0L)));
    }
}
