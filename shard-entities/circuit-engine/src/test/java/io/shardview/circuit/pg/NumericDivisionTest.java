package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

/** NUMERIC division keeps PostgreSQL's result scale: every expected value is what PostgreSQL 15 prints for {@code a::numeric / b}. */
class NumericDivisionTest {

    private static String div(String a, String b) {
        return Values.divideNumeric(new BigDecimal(a), new BigDecimal(b)).toPlainString();
    }

    @Test
    void smallQuotientsKeepSixteenSignificantDecimals() {
        assertEquals("3.3333333333333333", div("10", "3"));
        assertEquals("0.33333333333333333333", div("1", "3"));
        assertEquals("0.33333333333333333333", div("1.00", "3"));
    }

    @Test
    void largeQuotientsKeepFewerDecimalsAndOperandScalesAreAFloor() {
        assertEquals("3074457345618258603", div("9223372036854775809", "3"));
        assertEquals("33333333333.33333333", div("100000000000", "3"));
        assertEquals("3074457345618258603.00", div("9223372036854775809.00", "3"));
        assertEquals("-0.66666666666666666667", div("-2", "3"));
    }
}
