package io.shardview.circuit.operator;

import io.shardview.circuit.data.RowCodec;
import io.shardview.circuit.error.EvaluationException;
import io.shardview.circuit.pg.Intervals;
import io.shardview.circuit.pg.PgInterval;
import io.shardview.circuit.pg.Values;
import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * The retractable state of one aggregate function in one group: a value is added with a positive
 * weight and retracted with a negative one, and the result always equals a from-scratch evaluation
 * over the rows currently in the group. NULL inputs are ignored, as in SQL.
 */
public interface Accumulator {
    void add(Object value, long weight);

    Object result();

    void write(DataOutput out) throws IOException;

    void read(DataInput in) throws IOException;

    /** The kinds of aggregate the engine maintains. */
    enum Kind {
        COUNT_STAR,
        COUNT,
        SUM_LONG,
        SUM_DECIMAL,
        SUM_DOUBLE,
        AVG_DECIMAL,
        AVG_DOUBLE,
        MIN,
        MAX,
        CONSTANT,
        SUM_REAL,
        SUM_INTERVAL,
        AVG_INTERVAL
    }

    /** A fresh accumulator; constant is the value of a CONSTANT (LITERAL_AGG) aggregate. */
    static Accumulator create(Kind kind, Object constant) {
        switch (kind) {
            case COUNT_STAR:
            case COUNT:
                return new Count();
            case SUM_LONG:
            case SUM_DECIMAL:
            case SUM_DOUBLE:
            case SUM_REAL:
            case AVG_DECIMAL:
            case AVG_DOUBLE:
                return new Sum(kind);
            case MIN:
            case MAX:
                return new Extreme(kind == Kind.MAX);
            case SUM_INTERVAL:
            case AVG_INTERVAL:
                return new IntervalSum(kind == Kind.AVG_INTERVAL);
            default:
                return new Constant(constant);
        }
    }

    /** COUNT(*) and COUNT(x): the sum of weights of the (non-null) inputs. */
    final class Count implements Accumulator {
        private long count;

        @Override
        public void add(Object value, long weight) {
            count += weight;
        }

        @Override
        public Object result() {
            return count;
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeLong(count);
        }

        @Override
        public void read(DataInput in) throws IOException {
            count = in.readLong();
        }
    }

    /**
     * SUM and AVG of intervals: each part summed apart (months, days, microseconds), as PostgreSQL's interval + interval
     * adds them, so retracting an input takes back exactly what it added; AVG divides the sum by the count as
     * PostgreSQL's interval / float8 does. A result beyond an interval's range fails as there.
     */
    final class IntervalSum implements Accumulator {
        private final boolean average;
        private long count;
        private long months;
        private long days;
        private long micros;

        IntervalSum(boolean average) {
            this.average = average;
        }

        @Override
        public void add(Object value, long weight) {
            if (value == null) return;
            PgInterval v = (PgInterval) value;
            try {
                count += weight;
                months = Math.addExact(months, Math.multiplyExact((long) v.months(), weight));
                days = Math.addExact(days, Math.multiplyExact((long) v.days(), weight));
                micros = Math.addExact(micros, Math.multiplyExact(v.micros(), weight));
            } catch (ArithmeticException e) {
                throw new EvaluationException("interval out of range");
            }
        }

        @Override
        public Object result() {
            if (count == 0) return null;
            if (months != (int) months || days != (int) days) throw new EvaluationException("interval out of range");
            PgInterval sum = new PgInterval((int) months, (int) days, micros);
            return average ? Intervals.dividedBy(sum, count) : sum;
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeLong(count);
            out.writeLong(months);
            out.writeLong(days);
            out.writeLong(micros);
        }

        @Override
        public void read(DataInput in) throws IOException {
            count = in.readLong();
            months = in.readLong();
            days = in.readLong();
            micros = in.readLong();
        }
    }

    /**
     * SUM and AVG. The sum is kept exact (doubles too, as BigDecimal), so the result does not depend
     * on the order of additions and retractions; NULL when no non-null input remains.
     */
    final class Sum implements Accumulator {
        private static final MathContext AVG_CONTEXT = new MathContext(34, RoundingMode.HALF_EVEN);
        private static final Long SQUARES_MARKER = 2L;
        private static final Long SCALES_MARKER = 3L;
        private static final BigDecimal MAX_DOUBLE = new BigDecimal(Double.MAX_VALUE);
        private final Kind kind;
        /** The sum is {@code sum + small}: whole inputs add up in {@code small} until it would overflow. */
        private BigDecimal sum = BigDecimal.ZERO;

        private long small;
        /** AVG(float8) only: the exact sum of the squares of the finite inputs (see {@link #avgDouble}). */
        private BigDecimal squares = BigDecimal.ZERO;
        /**
         * NUMERIC results only: how many current inputs have each scale. PostgreSQL shows a numeric sum
         * with the largest scale among its inputs, so after the input with the largest scale is retracted
         * the sum shows the largest remaining one, as a from-scratch sum of the same rows would.
         */
        private final TreeMap<Integer, Long> scales = new TreeMap<>();

        private long count;
        /** Copies of NaN and of each infinity among float8 inputs, which have no exact decimal form. */
        private long nans;

        private long positiveInfinities;
        private long negativeInfinities;

        Sum(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void add(Object value, long weight) {
            count += weight;
            if (Values.isFloat(value) && !Double.isFinite(((Number) value).doubleValue())) {
                double d = ((Number) value).doubleValue();
                if (Double.isNaN(d)) nans += weight;
                else if (d > 0) positiveInfinities += weight;
                else negativeInfinities += weight;
                return;
            }
            if ((value instanceof Long || value instanceof Integer || value instanceof Short)
                    && kind == Kind.SUM_LONG
                    && addSmall(((Number) value).longValue(), weight)) {
                return; // a whole number needs no BigDecimal while the sum fits in a long
            }
            BigDecimal v = Values.isFloat(value)
                    ? new BigDecimal(((Number) value).doubleValue())
                    : Values.toDecimal((Number) value);
            sum = sum.add(weight == 1 ? v : v.multiply(BigDecimal.valueOf(weight)));
            if (kind == Kind.AVG_DOUBLE) squares = squares.add(v.multiply(v).multiply(BigDecimal.valueOf(weight)));
            if (kind == Kind.SUM_DECIMAL || kind == Kind.AVG_DECIMAL) {
                scales.merge(Math.max(0, v.scale()), weight, (a, b) -> a + b == 0 ? null : a + b);
            }
        }

        /** Adds {@code value * weight} to {@code small}; false (nothing added) where that would overflow a long. */
        private boolean addSmall(long value, long weight) {
            long product = value * weight;
            long total = small + product;
            boolean productOverflowed = Math.multiplyHigh(value, weight) != (product >> 63);
            boolean sumOverflowed = ((small ^ total) & (product ^ total)) < 0;
            if (productOverflowed || sumOverflowed) return false;
            small = total;
            return true;
        }

        /** The exact sum of the finite inputs. */
        private BigDecimal total() {
            return small == 0 ? sum : sum.add(BigDecimal.valueOf(small));
        }

        /**
         * Fails where PostgreSQL does: SUM(int) is a bigint, SUM(float8) a float8 and SUM(float4) a float4, so
         * a total outside their range is an error (SUM(bigint) and SUM(numeric) are numeric and cannot overflow).
         */
        @Override
        public Object result() {
            if (count == 0) return null;
            if (nans != 0 || positiveInfinities != 0 || negativeInfinities != 0) {
                return kind == Kind.SUM_REAL ? (Object) (float) nonFinite() : (Object) nonFinite();
            }
            switch (kind) {
                case SUM_LONG: {
                    if (sum.signum() == 0) return small;
                    BigDecimal total = total();
                    if (total.unscaledValue().bitLength() > 63) throw EvaluationException.outOfRange("bigint");
                    return total.longValue();
                }
                case SUM_DECIMAL:
                    return shownSum();
                case SUM_DOUBLE:
                    return finite(sum.doubleValue());
                case SUM_REAL: {
                    float total = sum.floatValue(); // float4: the exact sum rounded once
                    finite(total);
                    return total;
                }
                case AVG_DOUBLE:
                    return avgDouble();
                default:
                    return Values.divideNumeric(shownSum(), BigDecimal.valueOf(count));
            }
        }

        /** The exact sum at the largest scale among the current inputs (it needs no more). */
        private BigDecimal shownSum() {
            BigDecimal total = total();
            return scales.isEmpty() ? total : total.setScale(scales.lastKey(), RoundingMode.UNNECESSARY);
        }

        /**
         * AVG(float8) as PostgreSQL's float8_accum computes it: besides the sum it accumulates the sum of
         * squared deviations (for the variances), and fails with {@code value out of range: overflow} when
         * either becomes infinite from finite inputs. The sum of squared deviations only grows as inputs
         * come, so it overflows at some point exactly when its final value, N Sxx = N sum(x^2) - sum(x)^2,
         * exceeds the float8 range; that is order-independent and kept exact here. (PostgreSQL also fails
         * where an intermediate sum overflows and later inputs of the other sign would bring it back.)
         */
        private double avgDouble() {
            finite(sum.doubleValue());
            BigDecimal n = BigDecimal.valueOf(count);
            if (count > 1 && squares.multiply(n).subtract(sum.multiply(sum)).compareTo(MAX_DOUBLE.multiply(n)) > 0) {
                throw new EvaluationException("value out of range: overflow");
            }
            return sum.divide(n, AVG_CONTEXT).doubleValue();
        }

        private static double finite(double total) {
            if (Double.isInfinite(total)) throw new EvaluationException("value out of range: overflow");
            return total;
        }

        /** SUM and AVG with a NaN or infinite input, as float8 arithmetic gives them. */
        private double nonFinite() {
            if (nans != 0 || (positiveInfinities != 0 && negativeInfinities != 0)) return Double.NaN;
            return positiveInfinities != 0 ? Double.POSITIVE_INFINITY : Double.NEGATIVE_INFINITY;
        }

        /**
         * The sum and count; only when non-finite inputs are present, a NaN marker and their counts
         * first, before that only for AVG(float8) with inputs a marker 2 and the sum of squares, and
         * before everything only for NUMERIC results a marker 3 and the count of inputs per scale, so
         * snapshots without them keep the format written before they were kept (a snapshot from before
         * restores a sum of squares of 0: its groups miss that overflow check until rebuilt).
         */
        @Override
        public void write(DataOutput out) throws IOException {
            if (!scales.isEmpty()) {
                RowCodec.writeValue(out, SCALES_MARKER);
                out.writeInt(scales.size());
                for (Map.Entry<Integer, Long> scale : scales.entrySet()) {
                    out.writeInt(scale.getKey());
                    out.writeLong(scale.getValue());
                }
            }
            if (squares.signum() != 0) {
                RowCodec.writeValue(out, SQUARES_MARKER);
                RowCodec.writeValue(out, squares);
            }
            if (nans != 0 || positiveInfinities != 0 || negativeInfinities != 0) {
                RowCodec.writeValue(out, Double.NaN);
                out.writeLong(nans);
                out.writeLong(positiveInfinities);
                out.writeLong(negativeInfinities);
            }
            RowCodec.writeValue(out, total());
            out.writeLong(count);
        }

        @Override
        public void read(DataInput in) throws IOException {
            Object first = RowCodec.readValue(in);
            scales.clear();
            if (SCALES_MARKER.equals(first)) {
                for (int i = in.readInt(); i > 0; i--) scales.put(in.readInt(), in.readLong());
                first = RowCodec.readValue(in);
            }
            squares = BigDecimal.ZERO;
            if (SQUARES_MARKER.equals(first)) {
                squares = (BigDecimal) RowCodec.readValue(in);
                first = RowCodec.readValue(in);
            }
            nans = positiveInfinities = negativeInfinities = 0;
            if (first instanceof Double) {
                nans = in.readLong();
                positiveInfinities = in.readLong();
                negativeInfinities = in.readLong();
                first = RowCodec.readValue(in);
            }
            sum = (BigDecimal) first;
            small = 0;
            count = in.readLong();
        }
    }

    /** MIN / MAX: an ordered multiset of the inputs, so retracting the extreme exposes the next one. */
    final class Extreme implements Accumulator {
        private final boolean max;
        /**
         * CHAR values equal as bpchar but padded differently, and NUMERIC values equal but of different
         * scales, are distinct keys, ordered so that the one with the fewest blanks or smallest scale is
         * nearest the result's end: PostgreSQL returns one of them, depending on the order it reads rows
         * in; this is one it may return, whatever the order of the deltas.
         */
        private final TreeMap<Object, Long> values;

        Extreme(boolean max) {
            this.max = max;
            this.values = new TreeMap<>(max ? Extreme::compareForMax : Values::compareSpelled);
        }

        private static int compareForMax(Object a, Object b) {
            int c = Values.compare(a, b);
            return c != 0 ? c : -Values.compareSpelled(a, b);
        }

        @Override
        public void add(Object value, long weight) {
            values.merge(value, weight, (a, b) -> a + b == 0 ? null : a + b);
        }

        @Override
        public Object result() {
            if (values.isEmpty()) return null;
            return max ? values.lastKey() : values.firstKey();
        }

        @Override
        public void write(DataOutput out) throws IOException {
            out.writeInt(values.size());
            for (Map.Entry<Object, Long> e : values.entrySet()) {
                RowCodec.writeValue(out, e.getKey());
                out.writeLong(e.getValue());
            }
        }

        @Override
        public void read(DataInput in) throws IOException {
            values.clear();
            int n = in.readInt();
            for (int i = 0; i < n; i++) {
                values.put(RowCodec.readValue(in), in.readLong());
            }
        }
    }

    /** LITERAL_AGG (planner-generated marker columns): the constant, whatever the rows. */
    final class Constant implements Accumulator {
        private final Object value;

        Constant(Object value) {
            this.value = value;
        }

        @Override
        public void add(Object v, long weight) {}

        @Override
        public Object result() {
            return value;
        }

        @Override
        public void write(DataOutput out) {}

        @Override
        public void read(DataInput in) {}
    }
}
