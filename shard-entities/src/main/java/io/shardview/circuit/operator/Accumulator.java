package io.shardview.circuit.operator;

import io.shardview.circuit.RowCodec;
import io.shardview.circuit.Values;
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
    enum Kind { COUNT_STAR, COUNT, SUM_LONG, SUM_DECIMAL, SUM_DOUBLE, AVG_DECIMAL, AVG_DOUBLE, MIN, MAX, CONSTANT }

    /** A fresh accumulator; constant is the value of a CONSTANT (LITERAL_AGG) aggregate. */
    static Accumulator create(Kind kind, Object constant) {
        switch (kind) {
            case COUNT_STAR: case COUNT: return new Count();
            case SUM_LONG: case SUM_DECIMAL: case SUM_DOUBLE: case AVG_DECIMAL: case AVG_DOUBLE:
                return new Sum(kind);
            case MIN: case MAX: return new Extreme(kind == Kind.MAX);
            default: return new Constant(constant);
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
     * SUM and AVG. The sum is kept exact (doubles too, as BigDecimal), so the result does not depend
     * on the order of additions and retractions; NULL when no non-null input remains.
     */
    final class Sum implements Accumulator {
        private static final MathContext AVG_CONTEXT = new MathContext(34, RoundingMode.HALF_EVEN);
        private final Kind kind;
        private BigDecimal sum = BigDecimal.ZERO;
        private long count;

        Sum(Kind kind) {
            this.kind = kind;
        }

        @Override
        public void add(Object value, long weight) {
            BigDecimal v = value instanceof Double d ? new BigDecimal(d) : Values.toDecimal((Number) value);
            sum = sum.add(weight == 1 ? v : v.multiply(BigDecimal.valueOf(weight)));
            count += weight;
        }

        @Override
        public Object result() {
            if (count == 0) return null;
            switch (kind) {
                case SUM_LONG: return sum.longValueExact();
                case SUM_DECIMAL: return sum;
                case SUM_DOUBLE: return sum.doubleValue();
                case AVG_DOUBLE: return sum.divide(BigDecimal.valueOf(count), AVG_CONTEXT).doubleValue();
                default: return sum.divide(BigDecimal.valueOf(count), AVG_CONTEXT).setScale(16, RoundingMode.HALF_UP);
            }
        }

        @Override
        public void write(DataOutput out) throws IOException {
            RowCodec.writeValue(out, sum);
            out.writeLong(count);
        }

        @Override
        public void read(DataInput in) throws IOException {
            sum = (BigDecimal) RowCodec.readValue(in);
            count = in.readLong();
        }
    }

    /** MIN / MAX: an ordered multiset of the inputs, so retracting the extreme exposes the next one. */
    final class Extreme implements Accumulator {
        private final boolean max;
        private final TreeMap<Object, Long> values = new TreeMap<>(Values::compare);

        Extreme(boolean max) {
            this.max = max;
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
        public void add(Object v, long weight) {
        }

        @Override
        public Object result() {
            return value;
        }

        @Override
        public void write(DataOutput out) {
        }

        @Override
        public void read(DataInput in) {
        }
    }
}
