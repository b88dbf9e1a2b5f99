package io.shardview.circuit.pg;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlCallBinding;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlUtil;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeMappingRule;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlValidator;
import org.apache.calcite.sql.validate.SqlValidatorScope;
import org.apache.calcite.sql.validate.implicit.TypeCoercionImpl;

/**
 * Calcite's implicit casts made to follow PostgreSQL where they differ: a comparison of a real with another
 * number (integer, numeric, double precision) is done in float8, as PostgreSQL's float48 and numeric-as-float8
 * operators do (Calcite would cast the other side to REAL, so 0.1 would equal the real 0.1). An IN list of two or
 * more values is resolved with its left side as one type, as PostgreSQL does: a real IN (0.1, 2) compares as real.
 * <p>
 * Strict (SQL revision 3 on): only the casts PostgreSQL makes implicitly ({@link PgCasts#implicit}), and a string
 * literal or NULL to any type (PostgreSQL's unknown-type literals), so an operator, function, CASE, COALESCE or
 * UNION that PostgreSQL has no form of for its operands' types ({@code v + 1}, {@code d % d}, {@code LOWER(i)},
 * {@code COALESCE(v, 1)}, {@code bo = 1}) is refused as in PostgreSQL; Calcite would cast a number to text, a
 * text to a number, a boolean to a number. {@code ||} also takes one operand of any type beside a string, as
 * PostgreSQL's {@code anynonarray || text} does ({@code i || 'x'}, not {@code i || i}).
 */
public final class PgTypeCoercion extends TypeCoercionImpl {
    private final boolean strict;
    /** Whether the types of an IN list of two or more values are being resolved (see {@link #inOperationCoercion}). */
    private boolean inList;
    /** Whether the operand being cast is one of {@code ||} beside a string (see {@link #coerceOperandType}). */
    private boolean besideString;

    public PgTypeCoercion(RelDataTypeFactory factory, SqlValidator validator, boolean strict) {
        super(factory, validator);
        this.strict = strict;
    }

    @Override
    public RelDataType commonTypeForBinaryComparison(RelDataType a, RelDataType b) {
        RelDataType mixed = inList ? null : PgTypeSystem.mixedReal(factory, a, b);
        return mixed != null ? mixed : super.commonTypeForBinaryComparison(a, b);
    }

    /**
     * Strict: refuses a comparison of values PostgreSQL has no operator for (v = 1 of a varchar v, dt < 1), and reads
     * a string literal compared with a value of another type as that type, as PostgreSQL does (TRUE < 'a' fails as
     * an invalid boolean; Calcite would compare them otherwise).
     */
    @Override
    public boolean binaryComparisonCoercion(SqlCallBinding binding) {
        boolean coerced = false;
        if (strict) {
            for (int i = 0; i + 1 < binding.getOperandCount(); i++) {
                if (!comparable(
                        binding.operand(i),
                        binding.getOperandType(i),
                        binding.operand(i + 1),
                        binding.getOperandType(i + 1))) {
                    throw binding.newValidationSignatureError();
                }
            }
            if (binding.getOperandCount() == 2) {
                for (int i = 0; i < 2; i++) {
                    RelDataType other = binding.getOperandType(1 - i);
                    if (stringLiteral(binding.operand(i))
                            && PgCasts.category(other) > 0
                            && !SqlTypeUtil.isCharacter(other)) {
                        coerced |= coerceOperandType(binding.getScope(), binding.getCall(), i, other);
                    }
                }
            }
        }
        return super.binaryComparisonCoercion(binding) || coerced;
    }

    /** A string literal ('a'), of PostgreSQL's type unknown. */
    static boolean stringLiteral(SqlNode node) {
        return node instanceof SqlLiteral l && l.getTypeName().getFamily() == SqlTypeFamily.CHARACTER;
    }

    private static boolean comparable(SqlNode a, RelDataType aType, SqlNode b, RelDataType bType) {
        if (unknownLiteral(a) || unknownLiteral(b)) return true;
        if (aType.isStruct() && bType.isStruct() && aType.getFieldCount() == bType.getFieldCount()) {
            for (int i = 0; i < aType.getFieldCount(); i++) {
                if (!PgCasts.comparable(
                        aType.getFieldList().get(i).getType(),
                        bType.getFieldList().get(i).getType())) return false;
            }
            return true;
        }
        return PgCasts.comparable(aType, bType);
    }

    /** Strict: a date's or timestamp's + and - as PostgreSQL types them ({@link DateTimes#arithmetic}). */
    @Override
    public boolean binaryArithmeticCoercion(SqlCallBinding binding) {
        if (strict && DateTimes.arithmetic(binding)) return true;
        return super.binaryArithmeticCoercion(binding);
    }

    /** Strict: refuses an IN whose sides PostgreSQL has no '=' for ({@code v IN (SELECT i ...)}, {@code v IN (1, 2)}). */
    @Override
    public boolean inOperationCoercion(SqlCallBinding binding) {
        if (strict) {
            RelDataType left = binding.getOperandType(0);
            if (binding.operand(1) instanceof SqlNodeList values) {
                for (SqlNode value : values) {
                    if (!comparable(binding.operand(0), left, value, validator.deriveType(binding.getScope(), value))) {
                        throw binding.newValidationSignatureError();
                    }
                }
            } else if (!comparable(binding.operand(0), left, binding.operand(1), binding.getOperandType(1))) {
                throw binding.newValidationSignatureError();
            }
        }
        inList = binding.operand(1) instanceof SqlNodeList list && list.size() >= 2;
        try {
            return super.inOperationCoercion(binding);
        } finally {
            inList = false;
        }
    }

    /** PostgreSQL has no '=' of a boolean and a number (Calcite would read 1 as TRUE, or cast the boolean to 1 or 0). */
    @Override
    protected boolean booleanEquality(SqlCallBinding binding, RelDataType left, RelDataType right) {
        return !strict && super.booleanEquality(binding, left, right);
    }

    @Override
    protected boolean coerceOperandType(SqlValidatorScope scope, SqlCall call, int index, RelDataType targetType) {
        besideString = strict
                && call.getOperator() == SqlStdOperatorTable.CONCAT
                && call.operandCount() == 2
                && isStringOrUnknown(scope, call.operand(1 - index));
        try {
            return super.coerceOperandType(scope, call, index, targetType);
        } finally {
            besideString = false;
        }
    }

    private boolean isStringOrUnknown(SqlValidatorScope scope, SqlNode operand) {
        return unknownLiteral(operand) || SqlTypeUtil.isCharacter(validator.deriveType(scope, operand));
    }

    @Override
    protected boolean needToCast(SqlValidatorScope scope, SqlNode node, RelDataType toType, SqlTypeMappingRule rule) {
        if (strict && !unknownLiteral(node) && !besideString) {
            RelDataType from = validator.deriveType(scope, node);
            if (from != null && !PgCasts.implicit(from, toType)) return false;
        }
        return super.needToCast(scope, node, toType, rule);
    }

    /** A string literal or NULL: of PostgreSQL's type unknown, which takes the type its context needs. */
    /**
     * A literal of PostgreSQL's type unknown as an operator's or function's operand sees it: NULL or a string literal
     * written bare; {@code CAST(NULL AS INTEGER)} is an integer there (unlike {@link #unknownLiteral}, which Calcite's
     * coercion reads with the cast seen through).
     */
    static boolean untypedLiteral(SqlNode node) {
        return SqlUtil.isNullLiteral(node, false)
                || stringLiteral(node)
                || node.getKind() == SqlKind.AS && untypedLiteral(((SqlCall) node).operand(0));
    }

    static boolean unknownLiteral(SqlNode node) {
        return SqlUtil.isNullLiteral(node, true)
                || stringLiteral(node)
                || node.getKind() == SqlKind.AS && unknownLiteral(((SqlCall) node).operand(0));
    }
}
