package io.shardview.circuit.sql;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;

/**
 * Calcite's implicit casts made to follow PostgreSQL where they differ: a comparison of a real with another
 * number (integer, numeric, double precision) is done in float8, as PostgreSQL's float48 and numeric-as-float8
 * operators do (Calcite would cast the other side to REAL, so 0.1 would equal the real 0.1). An IN list of two or
 * more values is resolved with its left side as one type, as PostgreSQL does: a real IN (0.1, 2) compares as real.
 */
final class PgTypeCoercion extends TypeCoercionImpl {
    /** Whether the types of an IN list of two or more values are being resolved (see {@link #inOperationCoercion}). */
    private boolean inList;

    PgTypeCoercion(RelDataTypeFactory factory, SqlValidator validator) {
        super(factory, validator);
    }

    @Override
    public RelDataType commonTypeForBinaryComparison(RelDataType a, RelDataType b) {
        RelDataType mixed = inList ? null : PgTypeSystem.mixedReal(factory, a, b);
        return mixed != null ? mixed : super.commonTypeForBinaryComparison(a, b);
    }

    @Override
    public boolean inOperationCoercion(SqlCallBinding binding) {
        inList = binding.operand(1) instanceof SqlNodeList list && list.size() >= 2;
        try {
            return super.inOperationCoercion(binding);
        } finally {
            inList = false;
        }
    }
}
