package io.shardview.circuit.sql;

import java.util.List;
import org.apache.calcite.sql.SqlBasicCall;
import org.apache.calcite.sql.SqlBasicTypeNameSpec;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlDataTypeSpec;
import org.apache.calcite.sql.SqlFunction;
import org.apache.calcite.sql.SqlFunctionCategory;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlLiteral;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlNumericLiteral;
import org.apache.calcite.sql.SqlOperatorTable;
import org.apache.calcite.sql.fun.SqlCase;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.util.SqlOperatorTables;
import org.apache.calcite.sql.util.SqlShuttle;

/**
 * Marks in the parsed SQL what PostgreSQL's typing needs and Calcite's plan forgets: which casts to a
 * string type or to NUMERIC(p,s) were written in the query (Calcite inserts casts of its own, and folds a written
 * cast of a literal into the literal), and which CASE expressions were COALESCE or NULLIF (PostgreSQL
 * resolves COALESCE's type from its first argument, NULLIF's from its =, CASE's from its ELSE). A marker
 * is an identity function around the marked expression (the NUMERIC cast's also carries p and s);
 * {@code io.shardview.circuit.plan} reads it.
 * The conditions of a written CASE are marked too, so Calcite cannot drop a branch whose condition it
 * proves always true: the CASE would become its THEN value cast to Calcite's type, which no longer
 * tells the type PostgreSQL gives the CASE (a CHAR(n) THEN with a VARCHAR ELSE is varchar).
 */
public final class SourceMarkers {
    /** Around a CAST written to CHAR(n) or VARCHAR: PostgreSQL's explicit cast (pads, truncates). */
    public static final SqlFunction EXPLICIT_CAST = marker("PG_EXPLICIT_CAST");
    /**
     * Around a CAST written to NUMERIC(p,s) or NUMERIC(p), with p and s as written (Calcite's DECIMAL holds
     * at most 19 digits): PostgreSQL rounds to s and refuses overflow.
     */
    public static final SqlFunction NUMERIC_CAST = new SqlFunction("PG_NUMERIC_CAST", SqlKind.OTHER_FUNCTION,
            ReturnTypes.ARG0, null, OperandTypes.family(SqlTypeFamily.ANY, SqlTypeFamily.INTEGER, SqlTypeFamily.INTEGER),
            SqlFunctionCategory.SYSTEM);
    /**
     * Around a numeric literal that is an argument of COALESCE or a decimal factor of * or /: Calcite would
     * give the first the scale of Calcite's NUMERIC type (0 as 0.000000) and fold `n * 1.0` into n, where
     * PostgreSQL keeps the literal's own scale (COALESCE(n, 0) is 0, 2.5 * 1.0 is 2.50).
     */
    public static final SqlFunction NUMERIC_LITERAL = marker("PG_NUMERIC_LITERAL");
    /** Around a COALESCE, which Calcite turns into a CASE. */
    public static final SqlFunction COALESCE = marker("PG_COALESCE");
    /** Around a NULLIF, which Calcite turns into a CASE. */
    public static final SqlFunction NULLIF = marker("PG_NULLIF");
    /** Around each condition of a written (searched) CASE. */
    public static final SqlFunction CASE_CONDITION = marker("PG_CASE_CONDITION");

    /** The standard operators and the markers. */
    static final SqlOperatorTable OPERATORS =
            SqlOperatorTables.chain(SqlStdOperatorTable.instance(), SqlOperatorTables.of(EXPLICIT_CAST, NUMERIC_CAST, NUMERIC_LITERAL, COALESCE, NULLIF, CASE_CONDITION));

    private SourceMarkers() {
    }

    private static SqlFunction marker(String name) {
        return new SqlFunction(name, SqlKind.OTHER_FUNCTION, ReturnTypes.ARG0, null, OperandTypes.ANY,
                SqlFunctionCategory.SYSTEM);
    }

    /** The query with its string casts, COALESCEs and NULLIFs marked. */
    static SqlNode mark(SqlNode query) {
        return query.accept(new SqlShuttle() {
            @Override
            public SqlNode visit(SqlCall call) {
                SqlNode copy = super.visit(call);
                if (!(copy instanceof SqlCall c)) return copy;
                // The parser may leave COALESCE and NULLIF unresolved functions of that name.
                if (c.getKind() == SqlKind.COALESCE || c.getOperator().getName().equalsIgnoreCase("COALESCE")) {
                    markLiterals(c, false);
                    return wrap(COALESCE, c);
                }
                if (c.getKind() == SqlKind.TIMES || c.getKind() == SqlKind.DIVIDE) markLiterals(c, true);
                if (c.getKind() == SqlKind.NULLIF || c.getOperator().getName().equalsIgnoreCase("NULLIF")) {
                    return wrap(NULLIF, c);
                }
                if (c.getKind() == SqlKind.CAST && isStringType(c.operand(1))) return wrap(EXPLICIT_CAST, c);
                if (c.getKind() == SqlKind.CAST && c.operand(1) instanceof SqlDataTypeSpec spec && isNumericWithTypmod(spec)) {
                    SqlBasicTypeNameSpec typmod = (SqlBasicTypeNameSpec) spec.getTypeNameSpec();
                    // NUMERIC(p) has no scale (-1 here): 0, as in PostgreSQL; the parser reads no negative scale.
                    return new SqlBasicCall(NUMERIC_CAST, List.of(c, SqlLiteral.createExactNumeric(
                            Integer.toString(typmod.getPrecision()), SqlParserPos.ZERO), SqlLiteral.createExactNumeric(
                            Integer.toString(Math.max(typmod.getScale(), 0)), SqlParserPos.ZERO)), SqlParserPos.ZERO);
                }
                if (c instanceof SqlCase searched && searched.getValueOperand() == null) {
                    SqlNodeList conditions = searched.getWhenOperands();
                    for (int i = 0; i < conditions.size(); i++) conditions.set(i, wrap(CASE_CONDITION, conditions.get(i)));
                }
                return c;
            }
        });
    }

    /** Marks the call's exact numeric literal operands (signed or not); onlyFractions: those with a decimal point. */
    private static void markLiterals(SqlCall call, boolean onlyFractions) {
        for (int i = 0; i < call.operandCount(); i++) {
            SqlNode operand = call.operand(i);
            SqlNode literal = operand;
            if (literal instanceof SqlCall sign && (sign.getKind() == SqlKind.MINUS_PREFIX || sign.getKind() == SqlKind.PLUS_PREFIX)) {
                literal = sign.operand(0);
            }
            if (literal instanceof SqlNumericLiteral number && number.isExact()
                    && (!onlyFractions || (number.getScale() != null && number.getScale() > 0))) {
                call.setOperand(i, wrap(NUMERIC_LITERAL, operand));
            }
        }
    }

    private static SqlNode wrap(SqlFunction marker, SqlNode node) {
        return new SqlBasicCall(marker, List.of(node), SqlParserPos.ZERO);
    }

    private static boolean isNumericWithTypmod(SqlNode node) {
        if (!(node instanceof SqlDataTypeSpec spec) || !(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
            return false;
        }
        return SqlTypeName.get(basic.getTypeName().getSimple()) == SqlTypeName.DECIMAL && basic.getPrecision() >= 0;
    }

    private static boolean isStringType(SqlNode node) {
        if (!(node instanceof SqlDataTypeSpec spec) || !(spec.getTypeNameSpec() instanceof SqlBasicTypeNameSpec basic)) {
            return false;
        }
        SqlTypeName name = SqlTypeName.get(basic.getTypeName().getSimple());
        return name == SqlTypeName.CHAR || name == SqlTypeName.VARCHAR;
    }
}
