package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.error.EvaluationException;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Where PostgreSQL fails a statement at run time, the scalar operations fail with its message. */
class ScalarsTest {
    private static void fails(String message, Executable e) {
        assertEquals(message, assertThrows(EvaluationException.class, e).getMessage());
    }

    @Test
    void integerArithmeticFailsOutsideTheResultTypeAndOnZeroDivisors() {
        assertEquals(2147483647L, Scalars.arithmetic('+', ColumnType.INT, 2147483646L, 1L));
        fails("integer out of range", () -> Scalars.arithmetic('+', ColumnType.INT, 2147483647L, 1L));
        fails("integer out of range", () -> Scalars.arithmetic('-', ColumnType.INT, -2147483648L, 1L));
        fails("integer out of range", () -> Scalars.arithmetic('*', ColumnType.INT, 65536L, 32768L));
        fails("integer out of range", () -> Scalars.arithmetic('/', ColumnType.INT, -2147483648L, -1L));
        fails("smallint out of range", () -> Scalars.arithmetic('*', ColumnType.SMALLINT, 200L, 200L));
        fails("bigint out of range", () -> Scalars.arithmetic('+', ColumnType.BIGINT, Long.MAX_VALUE, 1L));
        fails("bigint out of range", () -> Scalars.arithmetic('/', ColumnType.BIGINT, Long.MIN_VALUE, -1L));
        assertEquals(0L, Scalars.arithmetic('%', ColumnType.BIGINT, Long.MIN_VALUE, -1L));
        assertEquals(-2L, Scalars.arithmetic('/', ColumnType.INT, -7L, 3L));
        fails("division by zero", () -> Scalars.arithmetic('/', ColumnType.INT, 1L, 0L));
        fails("division by zero", () -> Scalars.arithmetic('%', ColumnType.BIGINT, 1L, 0L));
    }

    @Test
    void absKeepsTheTypeAndFailsWhereTheMinimumHasNoPositiveCounterpart() {
        // PostgreSQL 15: abs(-32768::smallint), abs(-2147483648), abs(-9223372036854775808), abs(-0.0::float8),
        // abs(-1.20).
        fails("smallint out of range", () -> Scalars.abs(ColumnType.SMALLINT, -32768L));
        fails("integer out of range", () -> Scalars.abs(ColumnType.INT, -2147483648L));
        fails("bigint out of range", () -> Scalars.abs(ColumnType.BIGINT, Long.MIN_VALUE));
        assertEquals(32767L, Scalars.abs(ColumnType.SMALLINT, -32767L));
        assertEquals(Long.MAX_VALUE, Scalars.abs(ColumnType.BIGINT, -Long.MAX_VALUE));
        assertEquals(0.0, Scalars.abs(ColumnType.DOUBLE, -0.0));
        assertEquals(Double.POSITIVE_INFINITY, Scalars.abs(ColumnType.DOUBLE, Double.NEGATIVE_INFINITY));
        assertEquals(2.5f, Scalars.abs(ColumnType.REAL, -2.5f));
        assertEquals(new BigDecimal("1.20"), Scalars.abs(ColumnType.DECIMAL, new BigDecimal("-1.20")));
    }

    @Test
    void roundingFollowsPostgresForDoublesAndNumerics() {
        // PostgreSQL 15: round(2.5::float8), round(-0.25::float8), round(2.5), round(-2.5), ceil(-0.5::float8),
        // sign(-0.0::float8), sign('NaN'::float8), sign(-2.50), floor(-1.20), round(1250.5, -2), round(1.5, 3).
        assertEquals(2.0, Scalars.rounding("ROUND", 2.5));
        assertEquals(-0.0, Scalars.rounding("ROUND", -0.25));
        assertEquals(new BigDecimal("3"), Scalars.rounding("ROUND", new BigDecimal("2.5")));
        assertEquals(new BigDecimal("-3"), Scalars.rounding("ROUND", new BigDecimal("-2.5")));
        assertEquals(-0.0, Scalars.rounding("CEIL", -0.5));
        assertEquals(0.0, Scalars.rounding("SIGN", -0.0));
        assertEquals(0.0, Scalars.rounding("SIGN", Double.NaN));
        assertEquals(new BigDecimal("-1"), Scalars.rounding("SIGN", new BigDecimal("-2.50")));
        assertEquals(new BigDecimal("-2"), Scalars.rounding("FLOOR", new BigDecimal("-1.20")));
        assertEquals(new BigDecimal("1300"), Scalars.round(new BigDecimal("1250.5"), -2));
        assertEquals(new BigDecimal("1.500"), Scalars.round(new BigDecimal("1.5"), 3));
    }

    @Test
    void decimalAndDoubleArithmeticFailLikePostgres() {
        fails("division by zero", () -> Scalars.arithmetic('/', ColumnType.DECIMAL, BigDecimal.ONE, BigDecimal.ZERO));
        fails(
                "division by zero",
                () -> Scalars.arithmetic('%', ColumnType.DECIMAL, BigDecimal.ONE, new BigDecimal("0.00")));
        fails("division by zero", () -> Scalars.arithmetic('/', ColumnType.DOUBLE, 1.0, 0.0));
        fails("value out of range: overflow", () -> Scalars.arithmetic('*', ColumnType.DOUBLE, 1e300, 1e10));
        fails("value out of range: underflow", () -> Scalars.arithmetic('*', ColumnType.DOUBLE, 1e-300, 1e-300));
        assertEquals(
                Double.POSITIVE_INFINITY, Scalars.arithmetic('+', ColumnType.DOUBLE, Double.POSITIVE_INFINITY, 1.0));
    }

    @Test
    void realArithmeticIsFloat4AndFailsLikePostgres() {
        // PostgreSQL 15: '3e38'::real * '10'::real, '1e-30'::real * '1e-30'::real, '0.1'::real + '0.2'::real.
        fails("value out of range: overflow", () -> Scalars.arithmetic('*', ColumnType.REAL, 3e38f, 10f));
        fails("value out of range: underflow", () -> Scalars.arithmetic('*', ColumnType.REAL, 1e-30f, 1e-30f));
        fails("division by zero", () -> Scalars.arithmetic('/', ColumnType.REAL, 1.5f, 0f));
        assertEquals(0.3f, Scalars.arithmetic('+', ColumnType.REAL, 0.1f, 0.2f));
        assertEquals("0.3", Scalars.cast(Scalars.arithmetic('+', ColumnType.REAL, 0.1f, 0.2f), ColumnType.VARCHAR));
        assertEquals(-0f, Scalars.negate(ColumnType.REAL, 0f));
        fails("value out of range: overflow", () -> Scalars.cast(1e39, ColumnType.REAL));
        fails("value out of range: underflow", () -> Scalars.cast(1e-50, ColumnType.REAL));
        fails("\"1e39\" is out of range for type real", () -> Scalars.cast("1e39", ColumnType.REAL));
        assertEquals(2L, Scalars.cast(2.5f, ColumnType.INT), "float4 rounds half to even");
    }

    @Test
    void aNumericBeyondAFloatTypesRangeFailsAsPostgresqlsNumericToFloatCastFails() {
        // PostgreSQL 15: 1e400::numeric::float8, 1e-400::numeric::float8, 1e39::numeric::float4, 1e20 + 0.5::float8.
        fails(
                "\"1" + "0".repeat(400) + "\" is out of range for type double precision",
                () -> Scalars.cast(new BigDecimal("1e400"), ColumnType.DOUBLE));
        fails(
                "\"0." + "0".repeat(399) + "1\" is out of range for type double precision",
                () -> Scalars.cast(new BigDecimal("1e-400"), ColumnType.DOUBLE));
        fails(
                "\"1000000000000000000000000000000000000000\" is out of range for type real",
                () -> Scalars.cast(new BigDecimal("1e39"), ColumnType.REAL));
        fails(
                "\"1" + "0".repeat(400) + "\" is out of range for type double precision",
                () -> Scalars.arithmetic('+', ColumnType.DOUBLE, 0.5, new BigDecimal("1e400")));
        assertEquals(1.0E20, Scalars.arithmetic('+', ColumnType.DOUBLE, new BigDecimal("1e20"), 0.5));
        assertEquals(
                4.9E-324,
                Scalars.cast(new BigDecimal("4.9e-324"), ColumnType.DOUBLE),
                "a subnormal double is in range");
    }

    @Test
    void castsRefuseWhatPostgresInputFunctionsRefuse() {
        assertEquals(42L, Scalars.cast(" 42\n", ColumnType.INT));
        assertEquals(-7L, Scalars.cast("-7", ColumnType.BIGINT));
        fails("invalid input syntax for type integer: \"x\"", () -> Scalars.cast("x", ColumnType.INT));
        fails("invalid input syntax for type integer: \"1.5\"", () -> Scalars.cast("1.5", ColumnType.INT));
        fails("invalid input syntax for type bigint: \"\"", () -> Scalars.cast("", ColumnType.BIGINT));
        fails("invalid input syntax for type integer: \"\u0663\"", () -> Scalars.cast("\u0663", ColumnType.INT));
        fails(
                "value \"3000000000\" is out of range for type integer",
                () -> Scalars.cast("3000000000", ColumnType.INT));
        fails("integer out of range", () -> Scalars.cast(3000000000L, ColumnType.INT));
        fails("integer out of range", () -> Scalars.cast(2147483647.5, ColumnType.INT));
        fails("smallint out of range", () -> Scalars.cast(new BigDecimal("32767.5"), ColumnType.SMALLINT));
        assertEquals(2L, Scalars.cast(2.5, ColumnType.INT), "float8 rounds half to even");
        assertEquals(3L, Scalars.cast(new BigDecimal("2.5"), ColumnType.INT), "numeric rounds half away from zero");
        fails("invalid input syntax for type numeric: \"1,5\"", () -> Scalars.cast("1,5", ColumnType.DECIMAL));
        fails("invalid input syntax for type double precision: \"1d\"", () -> Scalars.cast("1d", ColumnType.DOUBLE));
        assertEquals(Double.NEGATIVE_INFINITY, Scalars.cast("-Infinity", ColumnType.DOUBLE));
        assertEquals(true, Scalars.cast(" ye", ColumnType.BOOLEAN));
        assertEquals(false, Scalars.cast("OF", ColumnType.BOOLEAN));
        fails("invalid input syntax for type boolean: \"o\"", () -> Scalars.cast("o", ColumnType.BOOLEAN));
        fails("date/time field value out of range: \"2024-13-01\"", () -> Scalars.cast("2024-13-01", ColumnType.DATE));
        fails("invalid input syntax for type date: \"soon\"", () -> Scalars.cast("soon", ColumnType.DATE));
        assertEquals(
                java.time.LocalDateTime.of(2024, 1, 5, 7, 8, 9, 500_000_000),
                Scalars.cast("2024-1-5 07:08:09.5", ColumnType.TIMESTAMP));
    }

    @Test
    void castOfTextToDateAndTimestampReadsMoreThanIso() {
        assertEquals(java.time.LocalDate.of(2024, 1, 15), Scalars.cast("January 15, 2024", ColumnType.DATE));
        assertEquals(
                java.time.LocalDateTime.of(2024, 1, 15, 22, 30),
                Scalars.cast("2024/01/15 10:30 PM", ColumnType.TIMESTAMP));
    }

    @Test
    void doublesPrintAsPostgresFloat8Output() {
        // PostgreSQL 15, SELECT x::float8::text.
        double[] values = {
            1e308,
            12345678.5,
            0.0001,
            0.00001,
            1e15,
            123456789012345.6,
            -0.0,
            5e-324,
            0.1 + 0.2,
            100,
            1.5e-5,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -2.5,
            1e14,
            99999999999999.9,
            Double.MAX_VALUE,
            2e-3,
            1e22
        };
        String[] texts = {
            "1e+308",
            "12345678.5",
            "0.0001",
            "1e-05",
            "1e+15",
            "123456789012345.6",
            "-0",
            "5e-324",
            "0.30000000000000004",
            "100",
            "1.5e-05",
            "NaN",
            "Infinity",
            "-Infinity",
            "-2.5",
            "100000000000000",
            "99999999999999.9",
            "1.7976931348623157e+308",
            "0.002",
            "1e+22"
        };
        for (int i = 0; i < values.length; i++) {
            assertEquals(texts[i], Scalars.cast(values[i], ColumnType.VARCHAR), "text of " + values[i]);
        }
    }
}
