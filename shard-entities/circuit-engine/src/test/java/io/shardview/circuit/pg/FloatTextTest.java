package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.testsupport.TestPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The text of float4 and float8 values (CAST AS VARCHAR, ||) and their CAST to NUMERIC, against PostgreSQL's own
 * for random bit patterns of every magnitude, subnormals included. Each value is sent as the decimal that reads
 * back as exactly it (its exact expansion), so PostgreSQL converts the same binary value.
 */
class FloatTextTest {
    private static final int VALUES = 2000;

    @Test
    void float4AndFloat8TextAndNumericEqualPostgres() throws SQLException {
        Random rnd = new Random(20261122);
        List<Float> reals = new ArrayList<>();
        List<Double> doubles = new ArrayList<>();
        while (reals.size() < VALUES) {
            float f = Float.intBitsToFloat(rnd.nextInt());
            if (Float.isFinite(f)) reals.add(f);
        }
        while (doubles.size() < VALUES) {
            double d = Double.longBitsToDouble(rnd.nextLong());
            if (Double.isFinite(d)) doubles.add(d);
        }
        // Short values and powers of two, where the shortest text is ambiguous or lies on one side only.
        for (int e = -149; e <= 127; e++) reals.add((float) Math.scalb(1.0, e));
        for (String s :
                new String[] {"0.1", "1.23456789", "123456789", "1e-40", "3.4028235e38", "100", "16777217", "0.3"}) {
            reals.add(Float.parseFloat(s));
            doubles.add(Double.parseDouble(s));
        }
        try (Connection db = TestPostgres.connect(TestPostgres.MAINTENANCE_DATABASE);
                Statement st = db.createStatement()) {
            check(st, "real", reals);
            check(st, "double precision", doubles);
        }
    }

    private static void check(Statement st, String type, List<? extends Number> values) throws SQLException {
        StringBuilder sql = new StringBuilder("SELECT v::text, v::numeric::text FROM (VALUES ");
        for (int i = 0; i < values.size(); i++) {
            sql.append(i == 0 ? "" : ", ")
                    .append("(")
                    .append(i)
                    .append(", CAST('")
                    .append(new BigDecimal(values.get(i).doubleValue()).toString())
                    .append("' AS ")
                    .append(type)
                    .append("))");
        }
        sql.append(") AS x(i, v) ORDER BY i");
        try (ResultSet rs = st.executeQuery(sql.toString())) {
            for (Number v : values) {
                rs.next();
                assertEquals(rs.getString(1), Scalars.cast(v, ColumnType.VARCHAR), type + " text of " + v);
                assertEquals(
                        rs.getString(2),
                        ((BigDecimal) Scalars.cast(v, ColumnType.DECIMAL)).toPlainString(),
                        type + " numeric of " + v);
            }
        }
    }
}
