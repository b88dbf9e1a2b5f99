package io.shardview.circuit.pg;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * NUMERIC(p,s), PostgreSQL's numeric type modifier: a value stored in such a column is rounded half away
 * from zero to s decimals and padded to s (2.005 and 2 in NUMERIC(5,2) are 2.01 and 2.00), and refused
 * when, rounded, it has more than p - s digits before the point. PostgreSQL 15 allows a scale above the
 * precision (NUMERIC(3,4) holds values below 0.1) and a negative one (NUMERIC(5,-2) rounds to hundreds,
 * stored with scale 0). A precision of 0 is the unconstrained NUMERIC, whose values are kept as given.
 */
public final class NumericTypmod {
    public static final int MAX_PRECISION = 1000;
    public static final int MAX_SCALE = 1000;

    private NumericTypmod() {}

    /** The value as a NUMERIC(precision, scale) column stores it; IllegalArgumentException on overflow. */
    public static BigDecimal fit(BigDecimal v, int precision, int scale) {
        if (precision == 0) return v;
        BigDecimal rounded = v.setScale(scale, RoundingMode.HALF_UP);
        int integerDigits = precision - scale;
        if (rounded.signum() != 0 && rounded.precision() - rounded.scale() > integerDigits) {
            throw new IllegalArgumentException("numeric field overflow (a field with precision " + precision
                    + ", scale " + scale + " must round to an absolute value less than "
                    + (integerDigits == 0 ? "1" : "10^" + integerDigits) + ")");
        }
        return scale < 0 ? rounded.setScale(0) : rounded;
    }

    /** PostgreSQL's name of the type: numeric(p,s), or numeric when unconstrained. */
    public static String sqlName(int precision, int scale) {
        return precision == 0 ? "numeric" : "numeric(" + precision + "," + scale + ")";
    }
}
