package io.shardview.circuit.plan;

import io.shardview.circuit.pg.ColumnType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.logical.LogicalValues;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * PostgreSQL's type of a string expression, bpchar (CHAR(n)), varchar or text, which Calcite's types do not
 * tell: Calcite types string literals CHAR(n) and inserts casts between CHAR and VARCHAR of its own. The
 * rules followed are PostgreSQL's: a column keeps its type, a string literal has no type until its context
 * gives one (alone it is text), a written CAST has its target type, and CASE and COALESCE take the type of
 * the first of their values that has one (CASE looks at its ELSE first, COALESCE at its first argument),
 * so a bpchar value there stays bpchar (blank-padded) unless a varchar or text value comes first.
 * NULLIF(a, b) is bpchar when a = b compares as bpchar, else text. Functions that compute a string (||,
 * UPPER, LOWER) make text, and so do MIN/MAX of a varchar (there is only min(text)). The difference
 * between varchar and text shows in comparisons with bpchar: bpchar = varchar compares as bpchar
 * (trailing blanks of neither side count), bpchar = text as text. A view's column keeps its type for
 * views over it (TEXT and CHAR columns are VARCHAR to Calcite, see {@link CatalogTable#catalogType}).
 */
public final class StringTyping {
    /** The string type of an expression; OTHER for a non-string one. */
    public enum Type {
        BPCHAR,
        VARCHAR,
        TEXT,
        UNKNOWN,
        OTHER
    }

    private final Map<RelNode, Type[]> fields = new IdentityHashMap<>();

    /** The string types of the output fields of a relational expression (OTHER for non-strings). */
    public Type[] fields(RelNode rel) {
        Type[] known = fields.get(rel);
        if (known != null) return known;
        Type[] out = new Type[rel.getRowType().getFieldCount()];
        for (int i = 0; i < out.length; i++) {
            out[i] = SqlTypeUtil.inCharFamily(
                            rel.getRowType().getFieldList().get(i).getType())
                    ? Type.VARCHAR
                    : Type.OTHER;
        }
        if (rel instanceof TableScan scan) {
            for (int i = 0; i < out.length; i++) {
                ColumnType t = CatalogTable.catalogType(scan.getTable(), i);
                if (t == ColumnType.CHAR) out[i] = Type.BPCHAR;
                else if (t == ColumnType.TEXT) out[i] = Type.TEXT;
            }
        } else if (rel instanceof LogicalValues) {
            for (int i = 0; i < out.length; i++)
                if (out[i] == Type.VARCHAR) out[i] = Type.TEXT; // literals alone are text
        } else if (rel instanceof LogicalFilter || rel instanceof LogicalSort) {
            out = fields(rel.getInput(0));
        } else if (rel instanceof org.apache.calcite.rel.logical.LogicalWindow w) { // its input, then BIGINT ranks
            Type[] input = fields(w.getInput());
            System.arraycopy(input, 0, out, 0, input.length);
        } else if (rel instanceof LogicalProject p) {
            Type[] input = fields(p.getInput());
            for (int i = 0; i < out.length; i++) {
                Type t = of(p.getProjects().get(i), input);
                if (t != Type.UNKNOWN) out[i] = t;
                else if (out[i] != Type.OTHER) out[i] = Type.TEXT; // a literal alone is text
            }
        } else if (rel instanceof LogicalAggregate a) {
            Type[] input = fields(a.getInput());
            int groups = a.getGroupCount();
            for (int i = 0; i < groups; i++) out[i] = input[a.getGroupSet().nth(i)];
            for (int i = groups; i < out.length; i++) {
                var call = a.getAggCallList().get(i - groups);
                SqlKind kind = call.getAggregation().getKind();
                if (kind == SqlKind.MIN || kind == SqlKind.MAX) {
                    Type arg = input[call.getArgList().get(0)];
                    // min(bpchar) and min(text) exist, min(varchar) does not; ORDER BY x LIMIT 1 gives x itself.
                    out[i] = arg == Type.VARCHAR && call.getAggregation() != FirstValue.FIRST ? Type.TEXT : arg;
                }
            }
        } else if (rel instanceof LogicalJoin || rel instanceof Correlate || rel instanceof NotInJoin) {
            Type[] both = joinInput(rel.getInput(0), rel.getInput(1));
            out = both.length == out.length
                    ? both
                    : fields(rel.getInput(0)); // semi and anti joins output the left side
        } else if (rel instanceof InMarkJoin m) {
            System.arraycopy(fields(m.getLeft()), 0, out, 0, out.length - 1); // and the BOOLEAN mark
        } else if (rel instanceof org.apache.calcite.rel.core.SetOp u) { // UNION, and INTERSECT/EXCEPT ALL
            // As for CASE: the first input's type that is not a literal's (PostgreSQL resolves a UNION column left to
            // right, a literal taking the type the others give it: SELECT 'a' UNION ALL SELECT v is a varchar).
            for (int i = 0; i < out.length; i++) {
                if (out[i] == Type.OTHER) continue;
                out[i] = Type.TEXT; // only literals: text
                for (RelNode input : u.getInputs()) {
                    if (isLiteral(input, i)) continue;
                    out[i] = fields(input)[i];
                    break;
                }
            }
        }
        fields.put(rel, out);
        return out;
    }

    /** Whether the column of rel is a literal written in its select list (or NULL), PostgreSQL's unknown type. */
    private static boolean isLiteral(RelNode rel, int column) {
        if (!(rel instanceof LogicalProject p)) return false;
        RexNode e = p.getProjects().get(column);
        while (e.getKind() == SqlKind.CAST) e = ((RexCall) e).getOperands().get(0); // Calcite's, to the UNION's type
        return e instanceof RexLiteral;
    }

    /** The string types of a join's input row (left then right), which its condition reads. */
    public Type[] joinInput(RelNode left, RelNode right) {
        Type[] l = fields(left);
        Type[] r = fields(right);
        Type[] out = Arrays.copyOf(l, l.length + r.length);
        System.arraycopy(r, 0, out, l.length, r.length);
        return out;
    }

    /** Whether two string types compare as bpchar although one is not: bpchar with varchar. */
    public static boolean comparesAsBpchar(Type a, Type b) {
        return (a == Type.BPCHAR && b == Type.VARCHAR) || (a == Type.VARCHAR && b == Type.BPCHAR);
    }

    /** The type of an expression over an input whose field types are given. */
    public static Type of(RexNode e, Type[] input) {
        if (!SqlTypeUtil.inCharFamily(e.getType()))
            return e instanceof RexLiteral l && l.isNull() ? Type.UNKNOWN : Type.OTHER;
        if (e instanceof RexInputRef ref)
            return input[ref.getIndex()] == Type.OTHER ? Type.VARCHAR : input[ref.getIndex()];
        if (e instanceof RexLiteral) return Type.UNKNOWN;
        if (!(e instanceof RexCall call)) return Type.TEXT;
        if (call.getOperator() == SourceMarkers.EXPLICIT_CAST) {
            return call.getType().getSqlTypeName() == SqlTypeName.CHAR ? Type.BPCHAR : Type.VARCHAR;
        }
        if (call.getOperator() == SourceMarkers.BPCHAR) return Type.BPCHAR;
        if (call.getOperator() == SourceMarkers.TEXT_CAST) return Type.TEXT;
        if (call.getOperator() == SourceMarkers.NULLIF_VALUE)
            return of(call.getOperands().get(0), input);
        if (call.getOperator() == SourceMarkers.GREATEST || call.getOperator() == SourceMarkers.LEAST) {
            RexNode inner = call.getOperands().get(0);
            return inner.getKind() == SqlKind.CASE
                    ? ofCase((RexCall) inner, SourceMarkers.COALESCE, input)
                    : of(inner, input);
        }
        if (call.getOperator() == SourceMarkers.COALESCE || call.getOperator() == SourceMarkers.NULLIF) {
            RexNode inner = call.getOperands().get(0);
            if (inner.getKind() == SqlKind.CASE) return ofCase((RexCall) inner, call.getOperator(), input);
            // NULLIF(a, NULL), which Calcite reduced to a: the = PostgreSQL picks is a's.
            return call.getOperator() == SourceMarkers.NULLIF
                    ? nullIf(of(inner, input), Type.UNKNOWN)
                    : of(inner, input);
        }
        if (call.getKind() == SqlKind.CAST) {
            RexNode operand = call.getOperands().get(0);
            // A cast Calcite added between string types is no conversion in PostgreSQL.
            boolean string =
                    SqlTypeUtil.inCharFamily(operand.getType()) || (operand instanceof RexLiteral l && l.isNull());
            return string ? of(operand, input) : Type.TEXT;
        }
        if (call.getKind() == SqlKind.CASE) return ofCase(call, null, input);
        if (call.getKind() == SqlKind.COALESCE) return resolve(call.getOperands(), input);
        return Type.TEXT;
    }

    /** The type of a CASE; origin: the marker of the function it was (COALESCE, NULLIF), or null. */
    public static Type ofCase(RexCall caseCall, SqlOperator origin, Type[] input) {
        Type nullIf = origin == SourceMarkers.NULLIF ? ofNullIf(caseCall, input) : null;
        return nullIf != null ? nullIf : resolve(values(caseCall, origin == SourceMarkers.COALESCE), input);
    }

    /**
     * The type of a string NULLIF(a, b), which is CASE WHEN a = b THEN NULL ELSE a END, or null when it is
     * not that. PostgreSQL returns the left side of the = it picks: bpchar's = when one side is bpchar and
     * the other bpchar, varchar or a literal, else text's (varchar has none of its own).
     */
    private static Type ofNullIf(RexCall caseCall, Type[] input) {
        if (!(caseCall.getOperands().get(0) instanceof RexCall eq) || eq.getKind() != SqlKind.EQUALS) return null;
        return nullIf(of(eq.getOperands().get(0), input), of(eq.getOperands().get(1), input));
    }

    /** The type of a string NULLIF(a, b) of the given argument types, or null when they are not strings. */
    private static Type nullIf(Type a, Type b) {
        if (a == Type.OTHER || b == Type.OTHER) return null;
        boolean bpchar = (a == Type.BPCHAR || b == Type.BPCHAR) && a != Type.TEXT && b != Type.TEXT;
        return bpchar ? Type.BPCHAR : Type.TEXT;
    }

    /**
     * The value operands of a CASE in the order PostgreSQL resolves their type: the ELSE first, then the
     * THEN values; for a CASE that was a COALESCE, the arguments in order (the ELSE is the last one).
     */
    private static List<RexNode> values(RexCall caseCall, boolean coalesce) {
        List<RexNode> ops = caseCall.getOperands();
        List<RexNode> out = new ArrayList<>();
        for (int i = 1; i < ops.size(); i += 2) out.add(ops.get(i));
        RexNode otherwise = ops.get(ops.size() - 1);
        if (coalesce) out.add(otherwise);
        else out.add(0, otherwise);
        return out;
    }

    private static Type resolve(List<RexNode> values, Type[] input) {
        for (RexNode v : values) {
            Type t = of(v, input);
            if (t != Type.UNKNOWN && t != Type.OTHER) return t;
        }
        return Type.TEXT; // only literals (and NULLs): text
    }
}
