package io.shardview.circuit.plan;

import io.shardview.circuit.catalog.Column;
import io.shardview.circuit.pg.ColumnType;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalSort;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * PostgreSQL's type modifier of a view column, which the catalog shows (character(3), numeric(5,2)) and
 * Calcite's types do not tell (every NUMERIC is DECIMAL(19,6) to it, a string literal is CHAR(n)). The
 * rules followed are PostgreSQL's: a column keeps its typmod through projections, filters, joins, ORDER BY,
 * GROUP BY keys and DISTINCT; a written CAST to CHAR(n), VARCHAR(n) or NUMERIC(p,s) has the written one; CASE,
 * COALESCE and UNION keep one only when all their values have the same (a literal or NULL has none, nor
 * does a CASE without ELSE); NULLIF has its first argument's; any other expression, MIN/MAX included, has
 * none (bpchar, numeric), but for the MIN a scalar subquery ORDER BY x LIMIT 1 became (x's).
 */
public final class Typmods {
    /**
     * A type modifier: CHAR(n)'s or VARCHAR(n)'s length (precision and scale 0; varying for VARCHAR), or
     * NUMERIC(p,s)'s precision and scale.
     */
    public record Typmod(int length, int precision, int scale, boolean varying) {
        static Typmod of(Column c) {
            if (c.type() == ColumnType.CHAR && c.length() > 0) return new Typmod(c.length(), 0, 0, false);
            if (c.type() == ColumnType.VARCHAR && c.length() > 0) return new Typmod(c.length(), 0, 0, true);
            if (c.type() == ColumnType.DECIMAL && c.precision() > 0)
                return new Typmod(0, c.precision(), c.scale(), false);
            return null;
        }

        /** The length of a CHAR(n), or of a VARCHAR(n) (varying), else 0. */
        public int length(boolean varying) {
            return this.varying == varying ? length : 0;
        }
    }

    private final Map<RelNode, Typmod[]> fields = new IdentityHashMap<>();

    /** The typmods of the output fields of a relational expression (null for a field without one). */
    public Typmod[] fields(RelNode rel) {
        Typmod[] known = fields.get(rel);
        if (known != null) return known;
        Typmod[] out = new Typmod[rel.getRowType().getFieldCount()];
        if (rel instanceof TableScan scan) {
            for (int i = 0; i < out.length; i++) {
                Column c = CatalogTable.catalogColumn(scan.getTable(), i);
                out[i] = c == null ? null : Typmod.of(c);
            }
        } else if (rel instanceof LogicalFilter || rel instanceof LogicalSort) {
            out = fields(rel.getInput(0));
        } else if (rel instanceof org.apache.calcite.rel.logical.LogicalWindow w) { // its input, then BIGINT ranks
            Typmod[] input = fields(w.getInput());
            System.arraycopy(input, 0, out, 0, input.length);
        } else if (rel instanceof LogicalProject p) {
            Typmod[] input = fields(p.getInput());
            for (int i = 0; i < out.length; i++) out[i] = of(p.getProjects().get(i), input);
        } else if (rel instanceof LogicalAggregate a) {
            Typmod[] input = fields(a.getInput());
            for (int i = 0; i < a.getGroupCount(); i++)
                out[i] = input[a.getGroupSet().nth(i)];
            for (int i = a.getGroupCount(); i < out.length; i++) { // ORDER BY x LIMIT 1: x's own
                var call = a.getAggCallList().get(i - a.getGroupCount());
                if (call.getAggregation() == FirstValue.FIRST)
                    out[i] = input[call.getArgList().get(0)];
            }
        } else if (rel instanceof LogicalJoin || rel instanceof Correlate || rel instanceof NotInJoin) {
            Typmod[] left = fields(rel.getInput(0));
            Typmod[] right = fields(rel.getInput(1));
            Typmod[] both = Arrays.copyOf(left, left.length + right.length);
            System.arraycopy(right, 0, both, left.length, right.length);
            out = both.length == out.length ? both : left; // semi and anti joins output the left side
        } else if (rel instanceof InMarkJoin m) {
            System.arraycopy(fields(m.getLeft()), 0, out, 0, out.length - 1); // and the BOOLEAN mark
        } else if (rel instanceof org.apache.calcite.rel.core.SetOp u) { // UNION, and INTERSECT/EXCEPT ALL
            out = fields(u.getInput(0)).clone();
            for (RelNode input : u.getInputs()) {
                Typmod[] other = fields(input);
                for (int i = 0; i < out.length; i++) if (!Objects.equals(out[i], other[i])) out[i] = null;
            }
        }
        fields.put(rel, out);
        return out;
    }

    /** The typmod of an expression over an input whose fields' typmods are given. */
    private static Typmod of(RexNode e, Typmod[] input) {
        if (e instanceof RexInputRef ref) return input[ref.getIndex()];
        if (!(e instanceof RexCall call)) return null;
        List<RexNode> ops = call.getOperands();
        if (call.getOperator() == SourceMarkers.EXPLICIT_CAST) {
            int length = call.getType().getPrecision();
            if (call.getType().getSqlTypeName() == SqlTypeName.CHAR) return new Typmod(length, 0, 0, false);
            return length > 0 ? new Typmod(length, 0, 0, true) : null; // VARCHAR(n); VARCHAR alone has none
        }
        if (call.getOperator() == SourceMarkers.NUMERIC_CAST) {
            int precision = ((RexLiteral) ops.get(1)).getValueAs(Integer.class);
            return precision == 0
                    ? null
                    : new Typmod(0, precision, ((RexLiteral) ops.get(2)).getValueAs(Integer.class), false);
        }
        if (call.getOperator() == SourceMarkers.COALESCE
                || call.getOperator() == SourceMarkers.GREATEST
                || call.getOperator() == SourceMarkers.LEAST) return of(ops.get(0), input);
        if (call.getOperator() == SourceMarkers.NULLIF_VALUE) { // a promoted to another type has no typmod
            boolean promoted =
                    call.getType().getSqlTypeName() != ops.get(0).getType().getSqlTypeName();
            return promoted ? null : of(ops.get(0), input);
        }
        if (call.getOperator() == SourceMarkers.NULLIF) {
            RexNode inner = ops.get(0); // CASE WHEN a = b THEN NULL ELSE a END: a's
            if (!(inner instanceof RexCall c) || c.getKind() != SqlKind.CASE) return of(inner, input);
            return of(c.getOperands().get(c.getOperands().size() - 1), input);
        }
        switch (call.getKind()) {
            case CASE: {
                Typmod common = of(ops.get(ops.size() - 1), input);
                for (int i = 1; i < ops.size() - 1; i += 2)
                    if (!Objects.equals(common, of(ops.get(i), input))) return null;
                return common;
            }
            case COALESCE: {
                Typmod common = of(ops.get(0), input);
                for (RexNode op : ops) if (!Objects.equals(common, of(op, input))) return null;
                return common;
            }
            case CAST: {
                // Written casts to CHAR(n) or NUMERIC are marked: this one Calcite added to unify the values of a
                // CASE or UNION (all NUMERICs are one DECIMAL to it), which PostgreSQL does not convert.
                RelDataType from = ops.get(0).getType();
                boolean sameFamily = (SqlTypeUtil.isDecimal(from) && SqlTypeUtil.isDecimal(call.getType()))
                        || (SqlTypeUtil.inCharFamily(from) && SqlTypeUtil.inCharFamily(call.getType()));
                return sameFamily ? of(ops.get(0), input) : null;
            }
            default:
                return null;
        }
    }
}
