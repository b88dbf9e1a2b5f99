package io.shardview.circuit.pg;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexExecutor;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's reduction of constant expressions while it plans (a CAST of a literal, written or added to compare
 * or combine it with a column), except that a cast of a number to a number type that does not hold it exactly
 * stays a cast, for the engine to evaluate with PostgreSQL's semantics: Calcite's would truncate where
 * PostgreSQL rounds half away from zero (CAST(1.5 AS INTEGER) is 2, CAST(1.123456 AS NUMERIC(10,5)) 1.12346)
 * and turn a number beyond a float type's range into Infinity or 0 (CAST(1e400 AS DOUBLE PRECISION)), where
 * PostgreSQL's numeric to float8 fails ("... is out of range for type double precision"); and a boolean's text
 * stays a cast, which the engine spells true and false, as PostgreSQL does (Calcite's would be TRUE).
 */
public final class PgConstantReducer implements RexExecutor {
    public static final PgConstantReducer INSTANCE = new PgConstantReducer();

    private PgConstantReducer() {}

    @Override
    public void reduce(RexBuilder rexBuilder, List<RexNode> constExps, List<RexNode> reducedValues) {
        List<RexNode> reducible = new ArrayList<>();
        for (RexNode e : constExps) if (!keptCast(e)) reducible.add(e);
        List<RexNode> reduced = new ArrayList<>();
        if (!reducible.isEmpty()) RexUtil.EXECUTOR.reduce(rexBuilder, reducible, reduced);
        int next = 0;
        for (RexNode e : constExps) reducedValues.add(keptCast(e) ? e : reduced.get(next++));
    }

    /** Whether e is a cast the engine evaluates: see {@link #inexactCast}, and a boolean's text (true, not Calcite's TRUE). */
    private static boolean keptCast(RexNode e) {
        return inexactCast(e)
                || e instanceof RexCall cast
                        && cast.getKind() == SqlKind.CAST
                        && cast.getOperands().get(0).getType().getSqlTypeName() == SqlTypeName.BOOLEAN
                        && SqlTypeUtil.inCharFamily(cast.getType());
    }

    /** Whether e casts a number literal to a number type that does not hold its value exactly. */
    private static boolean inexactCast(RexNode e) {
        if (!(e instanceof RexCall cast) || cast.getKind() != SqlKind.CAST) return false;
        if (!(cast.getOperands().get(0) instanceof RexLiteral literal)
                || !(literal.getValue() instanceof BigDecimal number)) return false;
        return !holds(cast.getType(), number);
    }

    /**
     * Whether the type holds the number: exactly for an exact type and float4 (Calcite would round it to float4
     * through a double, twice), within its range for float8 (rounded once, as PostgreSQL's numeric to float8).
     */
    private static boolean holds(RelDataType type, BigDecimal number) {
        switch (type.getSqlTypeName()) {
            case TINYINT:
                return integer(number, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case SMALLINT:
                return integer(number, Short.MIN_VALUE, Short.MAX_VALUE);
            case INTEGER:
                return integer(number, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case BIGINT:
                return integer(number, Long.MIN_VALUE, Long.MAX_VALUE);
            case DECIMAL: {
                BigDecimal exact = number.stripTrailingZeros();
                return exact.scale() <= type.getScale()
                        && (exact.signum() == 0
                                || exact.precision() - exact.scale() <= type.getPrecision() - type.getScale());
            }
            case DOUBLE:
            case FLOAT:
                return inRange(number, number.doubleValue());
            case REAL: {
                float rounded = number.floatValue();
                return Float.isFinite(rounded) && new BigDecimal(rounded).compareTo(number) == 0;
            }
            default:
                return true;
        }
    }

    private static boolean integer(BigDecimal number, long min, long max) {
        return number.stripTrailingZeros().scale() <= 0
                && number.compareTo(BigDecimal.valueOf(min)) >= 0
                && number.compareTo(BigDecimal.valueOf(max)) <= 0;
    }

    private static boolean inRange(BigDecimal number, double rounded) {
        return !Double.isInfinite(rounded) && (rounded != 0 || number.signum() == 0);
    }
}
