package io.shardview.circuit.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.SqlSyntax;
import org.apache.calcite.sql.fun.SqlAvgAggFunction;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.fun.SqlSumAggFunction;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.util.SqlBasicVisitor;
import org.apache.calcite.sql.validate.SqlNameMatcher;
import org.apache.calcite.sql.validate.SqlValidator;

/**
 * PostgreSQL's {@code sum(interval)} and {@code avg(interval)}, which Calcite's SUM and AVG refuse (they take numbers
 * only). The validator resolves SUM and AVG to these, which take an interval too and type it as one; once the query
 * is validated, {@link #standardWhereNotIntervals} puts Calcite's own back on every call of a number, so a view of
 * numbers is planned exactly as before.
 */
public final class IntervalAggregates {
    private IntervalAggregates() {}

    /** SUM of numbers or of intervals (the sum of each part: months, days, time). */
    public static final SqlAggFunction SUM = new SqlSumAggFunction(null) {
        @Override
        public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
            return ofAnInterval(binding) || super.checkOperandTypes(binding, throwOnFailure);
        }
    };

    /** AVG of numbers or of intervals (the sum divided by the count, as PostgreSQL divides an interval). */
    public static final SqlAggFunction AVG = new SqlAvgAggFunction(SqlKind.AVG) {
        @Override
        public boolean checkOperandTypes(SqlCallBinding binding, boolean throwOnFailure) {
            return ofAnInterval(binding) || super.checkOperandTypes(binding, throwOnFailure);
        }
    };

    private static boolean ofAnInterval(SqlCallBinding binding) {
        return binding.getOperandCount() == 1 && SqlTypeUtil.isInterval(binding.getOperandType(0));
    }

    /** The standard operators, with these in place of Calcite's SUM and AVG. */
    static SqlOperatorTable replacing(SqlOperatorTable standard) {
        return new SqlOperatorTable() {
            @Override
            public void lookupOperatorOverloads(
                    SqlIdentifier name,
                    SqlFunctionCategory category,
                    SqlSyntax syntax,
                    List<SqlOperator> operators,
                    SqlNameMatcher matcher) {
                List<SqlOperator> found = new ArrayList<>();
                standard.lookupOperatorOverloads(name, category, syntax, found, matcher);
                for (SqlOperator op : found) operators.add(replaced(op));
            }

            @Override
            public List<SqlOperator> getOperatorList() {
                return standard.getOperatorList().stream()
                        .map(IntervalAggregates::replaced)
                        .toList();
            }
        };
    }

    private static SqlOperator replaced(SqlOperator op) {
        return op == SqlStdOperatorTable.SUM ? SUM : op == SqlStdOperatorTable.AVG ? AVG : op;
    }

    /** Calcite's SUM and AVG again on each call of the validated query whose argument is not an interval. */
    public static void standardWhereNotIntervals(SqlNode validated, SqlValidator validator) {
        validated.accept(new SqlBasicVisitor<Void>() {
            @Override
            public Void visit(SqlCall call) {
                // The call's type is its argument's for an interval (the sum of intervals is one), else a number.
                RelDataType type = validator.getValidatedNodeTypeIfKnown(call);
                if ((call.getOperator() == SUM || call.getOperator() == AVG)
                        && call instanceof SqlBasicCall basic
                        && !(type != null && SqlTypeUtil.isInterval(type))) {
                    basic.setOperator(call.getOperator() == SUM ? SqlStdOperatorTable.SUM : SqlStdOperatorTable.AVG);
                }
                return super.visit(call);
            }
        });
    }
}
