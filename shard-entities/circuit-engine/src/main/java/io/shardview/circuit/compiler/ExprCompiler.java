package io.shardview.circuit.compiler;

import io.shardview.circuit.error.UnsupportedSqlException;
import io.shardview.circuit.operator.Expr;
import io.shardview.circuit.pg.CalciteTypes;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.pg.DateTimes;
import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.LikePattern;
import io.shardview.circuit.pg.PgMath;
import io.shardview.circuit.pg.Scalars;
import io.shardview.circuit.pg.Strings;
import io.shardview.circuit.pg.Values;
import io.shardview.circuit.plan.MathFunctions;
import io.shardview.circuit.plan.SourceMarkers;
import io.shardview.circuit.plan.StringTyping;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Locale;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.util.DateString;
import org.apache.calcite.util.TimestampString;

/**
 * Compiles Calcite row expressions into {@link Expr} closures with PostgreSQL NULL semantics. Where
 * PostgreSQL fails the statement (division by zero, overflow, an invalid cast) the closure throws
 * {@link io.shardview.circuit.error.EvaluationException}, and the batch or view creation is refused.
 */
final class ExprCompiler {
    private final RexBuilder rexBuilder;
    /** The string types of the input row's fields (see {@link StringTyping}). */
    private final StringTyping.Type[] input;
    /**
     * Whether an operator computes every operand before a NULL decides (NULL = 1 / 0 fails), as PostgreSQL does;
     * a view created under SQL revision 1 or older stops at the first NULL operand, as the engine did then.
     */
    private final boolean strictOperands;

    ExprCompiler(RexBuilder rexBuilder, StringTyping.Type[] input, boolean strictOperands) {
        this.rexBuilder = rexBuilder;
        this.input = input;
        this.strictOperands = strictOperands;
    }

    /**
     * An output column's expression: as {@link #compile}, its value converted to the column's string type
     * (a bpchar value that PostgreSQL types text loses its blanks, a text value typed bpchar keeps them).
     */
    Expr compileOutput(RexNode node) {
        if (node instanceof RexInputRef) return compile(node); // its values already have its type's form
        return converted(compile(node), StringTyping.of(node, input));
    }

    Expr compile(RexNode node) {
        if (node instanceof RexInputRef ref) {
            int i = ref.getIndex();
            return row -> row.get(i);
        }
        if (node instanceof RexLiteral lit) {
            Object v = literal(lit);
            return row -> v;
        }
        if (node instanceof RexCall call) {
            return constant(call, call(call));
        }
        throw new UnsupportedSqlException(
                node.getKind() == SqlKind.CORREL_VARIABLE || node.getKind() == SqlKind.FIELD_ACCESS
                        ? "correlated subquery"
                        : "expression " + node);
    }

    /**
     * A call over literals only (500 + 10, marked to keep PostgreSQL's numeric scale, so Calcite does not
     * fold it) evaluated once, here, with the engine's own semantics; one that fails (1 / 0) is left to fail
     * where PostgreSQL's would, on evaluation.
     */
    private static Expr constant(RexCall call, Expr compiled) {
        if (!RexUtil.isConstant(call) || RexUtil.containsInputRef(call)) return compiled;
        Object value;
        try {
            value = compiled.eval(null);
        } catch (RuntimeException e) {
            return compiled;
        }
        return row -> value;
    }

    static ColumnType typeOf(RelDataType t) {
        if (t.getSqlTypeName() == SqlTypeName.NULL)
            return ColumnType.TEXT; // a NULL no context types is text, as in PostgreSQL
        ColumnType c = CalciteTypes.columnType(t);
        if (c == null) throw new UnsupportedSqlException("type " + t.getSqlTypeName());
        return c;
    }

    private Object literal(RexLiteral lit) {
        if (lit.isNull()) return null;
        ColumnType type = typeOf(lit.getType());
        switch (type) {
            case BOOLEAN:
                return lit.getValueAs(Boolean.class);
            case SMALLINT:
            case INT:
            case BIGINT:
                return lit.getValueAs(Long.class);
            case DOUBLE:
                return lit.getValueAs(Double.class);
            case REAL:
                return ColumnType.toReal(lit.getValueAs(BigDecimal.class));
            case DECIMAL:
                return lit.getValueAs(BigDecimal.class);
            case VARCHAR:
                return lit.getValueAs(String.class);
            case DATE:
                return LocalDate.ofEpochDay(lit.getValueAs(DateString.class).getDaysSinceEpoch());
            default:
                return LocalDateTime.parse(
                        lit.getValueAs(TimestampString.class).toString().replace(' ', 'T'));
        }
    }

    private Expr call(RexCall call) {
        List<RexNode> ops = call.getOperands();
        switch (call.getKind()) {
            case AND:
                return and(compileAll(ops));
            case OR:
                return or(compileAll(ops));
            case NOT:
                return not(compile(ops.get(0)));
            case IS_NULL: {
                Expr e = compile(ops.get(0));
                return r -> e.eval(r) == null;
            }
            case IS_NOT_NULL: {
                Expr e = compile(ops.get(0));
                return r -> e.eval(r) != null;
            }
            case IS_TRUE: {
                Expr e = compile(ops.get(0));
                return r -> Boolean.TRUE.equals(e.eval(r));
            }
            case IS_NOT_TRUE: {
                Expr e = compile(ops.get(0));
                return r -> !Boolean.TRUE.equals(e.eval(r));
            }
            case IS_FALSE: {
                Expr e = compile(ops.get(0));
                return r -> Boolean.FALSE.equals(e.eval(r));
            }
            case IS_NOT_FALSE: {
                Expr e = compile(ops.get(0));
                return r -> !Boolean.FALSE.equals(e.eval(r));
            }
            case EQUALS:
            case NOT_EQUALS:
            case LESS_THAN:
            case LESS_THAN_OR_EQUAL:
            case GREATER_THAN:
            case GREATER_THAN_OR_EQUAL:
                return comparison(call.getKind(), operand(ops.get(0), ops.get(1)), operand(ops.get(1), ops.get(0)));
            case IS_DISTINCT_FROM:
            case IS_NOT_DISTINCT_FROM:
                return distinctFrom(call);
            case PLUS:
            case MINUS:
            case TIMES:
            case DIVIDE:
            case MOD:
                return arithmetic(call);
            case MINUS_PREFIX:
                return negate(call);
            case PLUS_PREFIX:
                return compile(ops.get(0));
            case CASE:
                return caseWhen(call, null);
            case COALESCE:
                return converted(coalesce(compileAll(ops)), StringTyping.of(call, input));
            case CAST:
                return cast(call);
            case SEARCH:
                return compile(RexUtil.expandSearch(rexBuilder, null, call));
            case OTHER_FUNCTION:
            case OTHER:
                return function(call);
            case FLOOR:
            case CEIL:
                return rounding(call, call.getKind() == SqlKind.FLOOR ? "FLOOR" : "CEIL");
            case TRIM:
            case POSITION:
                return strings(call, call.getKind().name());
            case LIKE:
                return like(call);
            default:
                break;
        }
        if (call.getOperator().getName().equals("||")) return concat(call);
        return function(call); // by name: CHAR_LENGTH has a kind of its own
    }

    private static String describe(RexCall call) {
        if (call.getKind() == SqlKind.OVER) return "window function (OVER)";
        return "function or operator " + call.getOperator().getName();
    }

    private Expr[] compileAll(List<RexNode> ops) {
        return ops.stream().map(this::compile).toArray(Expr[]::new);
    }

    private static Expr and(Expr[] parts) {
        return r -> {
            boolean unknown = false;
            for (Expr p : parts) {
                Object v = p.eval(r);
                if (Boolean.FALSE.equals(v)) return false;
                if (v == null) unknown = true;
            }
            return unknown ? null : Boolean.TRUE;
        };
    }

    private static Expr or(Expr[] parts) {
        return r -> {
            boolean unknown = false;
            for (Expr p : parts) {
                Object v = p.eval(r);
                if (Boolean.TRUE.equals(v)) return true;
                if (v == null) unknown = true;
            }
            return unknown ? null : Boolean.FALSE;
        };
    }

    private static Expr not(Expr e) {
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : !(Boolean) v;
        };
    }

    /**
     * A comparison operand. A string literal compared with a CHAR(n) value is itself CHAR, as PostgreSQL
     * types an untyped literal by the other side: its trailing blanks do not count ('a ' = 'a'). A varchar
     * compared with a bpchar is converted to bpchar (PostgreSQL picks bpchar's operators for that pair).
     */
    private Expr operand(RexNode node, RexNode other) {
        StringTyping.Type otherType = StringTyping.of(other, input);
        if (StringTyping.comparesAsBpchar(StringTyping.of(node, input), otherType)) return compared(node, otherType);
        Expr e = compile(node);
        RexNode literal = node;
        while (literal.getKind() == SqlKind.CAST && SqlTypeUtil.inCharFamily(literal.getType())) {
            literal = ((RexCall) literal).getOperands().get(0); // Calcite casts literals to the column's CHAR(n)
        }
        if (!(literal instanceof RexLiteral lit) || !(lit.getValue2() instanceof String text)) return e;
        String stripped = FixedChar.stripTrailingBlanks(text);
        if (stripped.equals(text)) return e;
        return r -> new StringLiteral(text, stripped);
    }

    /**
     * A comparison's operand that reads the row, with the string type of the other operand (over another row, as
     * in a join's two inputs): the value {@link #comparison} compares, a varchar compared with a bpchar converted
     * to bpchar (its trailing blanks do not count), so {@code Values.compare} of two such operands is the
     * comparison's order in every pairing of string types (bpchar with text compares the bpchar's text without
     * its blanks with the text as it is, as PostgreSQL does).
     */
    Expr compared(RexNode node, StringTyping.Type other) {
        Expr e = compile(node);
        return StringTyping.comparesAsBpchar(StringTyping.of(node, input), other)
                ? converted(e, StringTyping.Type.BPCHAR)
                : e;
    }

    /** A string literal with trailing blanks: it is its text, except against a CHAR(n) value. */
    private record StringLiteral(String text, String withoutTrailingBlanks) {}

    private static Object against(Object v, Object other) {
        if (!(v instanceof StringLiteral lit)) return v;
        return other instanceof FixedChar ? lit.withoutTrailingBlanks() : lit.text();
    }

    private Expr comparison(SqlKind kind, Expr left, Expr right) {
        boolean strict = strictOperands;
        return r -> {
            Object a0 = left.eval(r);
            if (a0 == null && !strict) return null;
            Object b0 =
                    right.eval(r); // both, as PostgreSQL evaluates a strict operator's arguments: NULL = 1 / 0 fails
            if (a0 == null || b0 == null) return null;
            Object a = against(a0, b0);
            Object b = against(b0, a0);
            int c = Values.compare(a, b);
            switch (kind) {
                case EQUALS:
                    return c == 0;
                case NOT_EQUALS:
                    return c != 0;
                case LESS_THAN:
                    return c < 0;
                case LESS_THAN_OR_EQUAL:
                    return c <= 0;
                case GREATER_THAN:
                    return c > 0;
                default:
                    return c >= 0;
            }
        };
    }

    private Expr distinctFrom(RexCall call) {
        Expr a = operand(call.getOperands().get(0), call.getOperands().get(1));
        Expr b = operand(call.getOperands().get(1), call.getOperands().get(0));
        boolean distinct = call.getKind() == SqlKind.IS_DISTINCT_FROM;
        return r -> distinct != Values.equal(a.eval(r), b.eval(r));
    }

    private Expr arithmetic(RexCall call) {
        ColumnType type = typeOf(call.getType());
        if (type == ColumnType.DATE || type == ColumnType.TIMESTAMP || type == ColumnType.INTERVAL) {
            return evaluated(call, DateTimes.arithmetic(call));
        }
        if (type != ColumnType.DOUBLE && type != ColumnType.REAL && type != ColumnType.DECIMAL && !type.isInteger()) {
            throw new UnsupportedSqlException("arithmetic on " + type.sqlName());
        }
        char op = call.getKind() == SqlKind.PLUS
                ? '+'
                : call.getKind() == SqlKind.MINUS
                        ? '-'
                        : call.getKind() == SqlKind.TIMES ? '*' : call.getKind() == SqlKind.DIVIDE ? '/' : '%';
        Expr left = compile(call.getOperands().get(0));
        Expr right = compile(call.getOperands().get(1));
        boolean strict = strictOperands;
        return r -> {
            Object a = left.eval(r);
            if (a == null && !strict) return null;
            Object b = right.eval(r); // both, as PostgreSQL evaluates a strict operator's arguments: NULL + 1 / 0 fails
            if (a == null || b == null) return null;
            return Scalars.arithmetic(op, type, a, b);
        };
    }

    /** A call computed by f from all its operands' values (f gives NULL for a NULL operand where it should). */
    private Expr evaluated(RexCall call, java.util.function.Function<Object[], Object> f) {
        Expr[] args = compileAll(call.getOperands());
        return r -> {
            Object[] values = new Object[args.length];
            for (int i = 0; i < args.length; i++) values[i] = args[i].eval(r);
            return f.apply(values);
        };
    }

    private Expr negate(RexCall call) {
        ColumnType type = typeOf(call.getType());
        Expr e = compile(call.getOperands().get(0));
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : Scalars.negate(type, v);
        };
    }

    /**
     * A CASE; its values are converted to its PostgreSQL string type (see {@link StringTyping}), so a
     * CHAR(n) value keeps or loses its blanks as it does there. origin: the marker of the function it
     * was (COALESCE, NULLIF), or null.
     */
    private Expr caseWhen(RexCall call, SqlOperator origin) {
        StringTyping.Type type = StringTyping.ofCase(call, origin, input);
        List<RexNode> operands = call.getOperands();
        Expr[] ops = new Expr[operands.size()];
        for (int i = 0; i < ops.length; i++) {
            boolean value = i % 2 == 1 || i == ops.length - 1;
            ops[i] = value ? converted(compile(operands.get(i)), type) : compile(operands.get(i));
        }
        return r -> {
            for (int i = 0; i + 1 < ops.length; i += 2) {
                if (ops[i].test(r)) return ops[i + 1].eval(r);
            }
            return ops.length % 2 == 1 ? ops[ops.length - 1].eval(r) : null;
        };
    }

    /**
     * GREATEST or LEAST over the values of the CASE SourceMarkers wrote (each already of the common type, converted to
     * its string type as CASE converts them): the largest or smallest non-null one, the first of equal ones; NULL when
     * all are.
     */
    private Expr greatestOrLeast(RexCall call, boolean greatest) {
        RexNode inner = call.getOperands().get(0);
        StringTyping.Type type = StringTyping.of(call, input);
        List<Expr> values = new java.util.ArrayList<>();
        if (inner.getKind() == SqlKind.CASE) {
            List<RexNode> operands = ((RexCall) inner).getOperands();
            for (int i = 1; i < operands.size(); i += 2) values.add(converted(compile(operands.get(i)), type));
            values.add(converted(compile(operands.get(operands.size() - 1)), type));
        } else if (call.getType().getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.BOOLEAN) {
            // Calcite simplifies a boolean CASE into logic (CASE WHEN b IS NOT NULL THEN b ELSE TRUE is b IS NOT
            // FALSE), which no longer lists the arguments.
            throw new UnsupportedSqlException((greatest ? "GREATEST" : "LEAST") + " of booleans");
        } else {
            values.add(converted(compile(inner), type));
        }
        Expr[] ops = values.toArray(Expr[]::new);
        return r -> {
            Object best = null;
            for (Expr e : ops) {
                Object v = e.eval(r);
                if (v == null) continue;
                if (best == null || (greatest ? Values.compare(v, best) > 0 : Values.compare(v, best) < 0)) best = v;
            }
            return best;
        };
    }

    private static Expr coalesce(Expr[] ops) {
        return r -> {
            for (Expr e : ops) {
                Object v = e.eval(r);
                if (v != null) return v;
            }
            return null;
        };
    }

    /** Each field of a row of the given string types, converted to the target types. */
    static Expr[] conversions(StringTyping.Type[] from, StringTyping.Type[] to) {
        Expr[] out = new Expr[from.length];
        for (int i = 0; i < out.length; i++) {
            int field = i;
            Expr ref = r -> r.get(field);
            out[i] = from[i] == to[i] ? ref : converted(ref, to[i]);
        }
        return out;
    }

    /** A string value as PostgreSQL's bpchar or text, for an expression of that type. */
    private static Expr converted(Expr e, StringTyping.Type type) {
        if (type == StringTyping.Type.BPCHAR) return r -> bpchar(e.eval(r));
        if (type == StringTyping.Type.TEXT || type == StringTyping.Type.VARCHAR)
            return r -> {
                Object v = e.eval(r);
                return v instanceof FixedChar c ? c.text() : v;
            };
        return e;
    }

    /** A string as bpchar without a length: it keeps its own trailing blanks (its padding). */
    private static Object bpchar(Object v) {
        if (!(v instanceof String s)) return v;
        return new FixedChar(FixedChar.stripTrailingBlanks(s), s.codePointCount(0, s.length()));
    }

    private Expr cast(RexCall call) {
        ColumnType to = typeOf(call.getType());
        RexNode operand = call.getOperands().get(0);
        // Calcite's own casts between string types convert nothing (a written one is marked, see explicitCast).
        if (SqlTypeUtil.inCharFamily(call.getType()) && SqlTypeUtil.inCharFamily(operand.getType()))
            return compile(operand);
        Expr e = compile(operand);
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : Scalars.cast(v, to);
        };
    }

    /** NULLIF's first argument as the type PostgreSQL's = promotes it to (see SourceMarkers.NULLIF_VALUE). */
    private Expr nullIfValue(RexCall call) {
        RexNode a = call.getOperands().get(0);
        Expr e = compile(a);
        if (call.getType().getSqlTypeName() == a.getType().getSqlTypeName()) return e;
        ColumnType to = typeOf(call.getType());
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : Scalars.cast(v, to);
        };
    }

    private Expr concat(RexCall call) {
        Expr[] ops = compileAll(call.getOperands());
        return r -> {
            StringBuilder sb = new StringBuilder();
            boolean anyNull = false;
            for (Expr e : ops) { // every operand, as PostgreSQL evaluates a strict operator's arguments
                Object v = e.eval(r);
                if (v == null && !strictOperands) return null;
                if (v == null) anyNull = true;
                if (!anyNull) sb.append(Scalars.text(v));
            }
            return anyNull ? null : sb.toString();
        };
    }

    /**
     * concat(a, ...) and concat_ws(separator, a, ...), PostgreSQL's: each non-NULL argument as its type's output
     * function writes it (a boolean as t or f, a CHAR(n) with its padding, unlike {@code ||}'s text); concat_ws puts
     * the separator between them and is NULL when the separator is. A result longer than {@link Strings#MAX_RESULT_CHARS}
     * characters fails the batch.
     */
    private Expr concatFunction(RexCall call, boolean separated) {
        Expr[] ops = compileAll(call.getOperands());
        return r -> {
            String separator = null;
            if (separated) {
                Object sep = ops[0].eval(r);
                if (sep == null) {
                    for (int i = 1; i < ops.length; i++) ops[i].eval(r); // evaluated, as PostgreSQL does
                    return null;
                }
                separator = Scalars.text(sep);
            }
            StringBuilder sb = new StringBuilder();
            boolean first = true;
            for (int i = separated ? 1 : 0; i < ops.length; i++) {
                Object v = ops[i].eval(r);
                if (v == null) continue;
                if (!first && separator != null) sb.append(separator);
                first = false;
                sb.append(Scalars.output(v));
                Strings.checkLength(sb);
            }
            return sb.toString();
        };
    }

    /**
     * A CAST written to CHAR(n) or VARCHAR(n): PostgreSQL's explicit cast pads CHAR(n) with blanks and cuts
     * a longer value to n characters, without error (an assignment would refuse it).
     */
    private Expr explicitCast(RexCall call) {
        Expr e = compile(call.getOperands().get(0));
        RelDataType type = call.getType();
        int n = type.getPrecision();
        boolean bpchar = type.getSqlTypeName() == org.apache.calcite.sql.type.SqlTypeName.CHAR;
        return r -> {
            Object v = e.eval(r);
            if (v == null) return null;
            String text = Scalars.text(v);
            if (n > 0 && text.codePointCount(0, text.length()) > n)
                text = text.substring(0, text.offsetByCodePoints(0, n));
            return bpchar ? new FixedChar(FixedChar.stripTrailingBlanks(text), n) : text;
        };
    }

    /**
     * A CAST written to NUMERIC(p,s): the value rounded half away from zero to s decimals and padded, as a
     * NUMERIC(p,s) column stores it; more than p - s integer digits fail as numeric field overflow.
     */
    private Expr numericCast(RexCall call) {
        Expr e = compile(call.getOperands().get(0));
        int precision = ((RexLiteral) call.getOperands().get(1)).getValueAs(Integer.class);
        int scale = ((RexLiteral) call.getOperands().get(2)).getValueAs(Integer.class);
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : Scalars.fit((BigDecimal) v, precision, scale);
        };
    }

    private Expr function(RexCall call) {
        if (call.getOperator() == SourceMarkers.EXPLICIT_CAST) return explicitCast(call);
        if (call.getOperator() == SourceMarkers.TEXT_CAST)
            return converted(compile(call.getOperands().get(0)), StringTyping.Type.TEXT);
        if (call.getOperator() == SourceMarkers.NULLIF_VALUE) return nullIfValue(call);
        if (call.getOperator() == SourceMarkers.NUMERIC_CAST) return numericCast(call);
        if (call.getOperator() == SourceMarkers.BPCHAR)
            return converted(compile(call.getOperands().get(0)), StringTyping.Type.BPCHAR);
        if (call.getOperator() == SourceMarkers.CASE_CONDITION
                || call.getOperator() == SourceMarkers.NUMERIC_LITERAL
                || call.getOperator() == SourceMarkers.NEVER_TRUE
                || call.getOperator() == SourceMarkers.CORRELATION) {
            return compile(call.getOperands().get(0));
        }
        if (DateTimes.computes(call.getOperator())) return evaluated(call, DateTimes.evaluator(call));
        if (call.getOperator() == SourceMarkers.GREATEST || call.getOperator() == SourceMarkers.LEAST)
            return greatestOrLeast(call, call.getOperator() == SourceMarkers.GREATEST);
        if (call.getOperator() == SourceMarkers.COALESCE || call.getOperator() == SourceMarkers.NULLIF) {
            RexNode inner = call.getOperands().get(0);
            if (inner.getKind() == SqlKind.CASE) return caseWhen((RexCall) inner, call.getOperator());
            return converted(compile(inner), StringTyping.of(call, input));
        }
        if (MathFunctions.isMath(call.getOperator())) return math(call);
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        if (name.equals("||")) return concat(call);
        if (name.equals("CONCAT") || name.equals("CONCAT_WS")) return concatFunction(call, name.equals("CONCAT_WS"));
        if (name.equals("LOWER") || name.equals("UPPER")) {
            boolean lower = name.equals("LOWER");
            Expr e = compile(call.getOperands().get(0));
            return r -> {
                Object v = e.eval(r);
                if (v == null) return null;
                String text = Scalars.text(v);
                return lower ? text.toLowerCase(Locale.ROOT) : text.toUpperCase(Locale.ROOT);
            };
        }
        if (name.equals("ABS")) return abs(call);
        if (name.equals("SIGN") || name.equals("ROUND")) return rounding(call, name);
        if (name.equals("LENGTH") || name.equals("CHAR_LENGTH") || name.equals("CHARACTER_LENGTH"))
            return strings(call, "LENGTH");
        if (name.equals("SUBSTRING")) return strings(call, name);
        if (List.of("LPAD", "RPAD", "SPLIT_PART", "LEFT", "RIGHT", "REPLACE").contains(name))
            return textFunction(call, name);
        if (call.getOperator() == SourceMarkers.FLOAT8_OR_NUMERIC) {
            Expr e = compile(call.getOperands().get(0));
            return r -> {
                Object v = e.eval(r);
                return v == null || v instanceof BigDecimal ? v : ((Number) v).doubleValue();
            };
        }
        if (call.getOperator() == SourceMarkers.NUMERIC_ARG) {
            Expr e = compile(call.getOperands().get(0));
            return r -> {
                Object v = e.eval(r);
                return v == null ? null : Values.toDecimal((Number) v);
            };
        }
        throw new UnsupportedSqlException(describe(call));
    }

    /**
     * sqrt, ln, log, exp, power and trunc (plan.MathFunctions): the arguments as the form the call was resolved to
     * takes them (a numeric's as numerics, else as doubles; trunc's scale as an integer), NULL in, NULL out.
     */
    private Expr math(RexCall call) {
        boolean numeric = call.getType().getSqlTypeName() == SqlTypeName.DECIMAL;
        SqlOperator op = call.getOperator();
        java.util.function.Function<Object[], Object> f;
        if (op == MathFunctions.SQRT) f = v -> PgMath.sqrt(v[0]);
        else if (op == MathFunctions.LN) f = v -> PgMath.ln(v[0]);
        else if (op == MathFunctions.LOG10) f = v -> PgMath.log10(v[0]);
        else if (op == MathFunctions.EXP) f = v -> PgMath.exp(v[0]);
        else if (op == MathFunctions.TRUNC) f = v -> PgMath.trunc(v[0]);
        else if (op == MathFunctions.TRUNC_SCALE) f = v -> PgMath.trunc((BigDecimal) v[0], ((Number) v[1]).longValue());
        else if (op == MathFunctions.LOG) f = v -> PgMath.log((BigDecimal) v[0], (BigDecimal) v[1]);
        else f = v -> PgMath.power(v[0], v[1]);
        return evaluated(call, v -> {
            for (int i = 0; i < v.length; i++) {
                if (v[i] == null) return null;
                v[i] = numeric ? Values.toDecimal((Number) v[i]) : ((Number) v[i]).doubleValue();
            }
            return f.apply(v);
        });
    }

    /**
     * floor, ceil, sign and round, over the double precision or numeric their argument was made (SourceMarkers
     * FLOAT8_OR_NUMERIC, NUMERIC_ARG): refused when the argument was not (a view of an older SQL revision).
     */
    private Expr rounding(RexCall call, String function) {
        RexNode argument = call.getOperands().get(0);
        boolean marked = argument instanceof RexCall c
                && (c.getOperator() == SourceMarkers.FLOAT8_OR_NUMERIC || c.getOperator() == SourceMarkers.NUMERIC_ARG);
        if (!marked) throw new UnsupportedSqlException(describe(call));
        Expr e = compile(argument);
        Expr scale = call.getOperands().size() > 1 ? compile(call.getOperands().get(1)) : null;
        return r -> {
            Object v = e.eval(r);
            if (v == null) return null;
            if (scale == null) return Scalars.rounding(function, v);
            Object s = scale.eval(r);
            return s == null ? null : Scalars.round((BigDecimal) v, ((Number) s).longValue());
        };
    }

    /**
     * The string functions, over their arguments' text (a bpchar's without its trailing blanks, as PostgreSQL converts
     * bpchar to text for them): LENGTH and CHAR_LENGTH, TRIM (of spaces, from both ends or one), SUBSTRING(x FROM s
     * [FOR n]), POSITION(a IN b). NULL in, NULL out.
     */
    private Expr strings(RexCall call, String function) {
        List<RexNode> operands = call.getOperands();
        // TRIM's first operand is its flag (BOTH, LEADING, TRAILING), a symbol, not a value.
        Expr[] args = compileAll(function.equals("TRIM") ? operands.subList(1, operands.size()) : operands);
        switch (function) {
            case "LENGTH":
                return r -> {
                    Object v = args[0].eval(r);
                    return v == null ? null : (long) Strings.length(Scalars.text(v));
                };
            case "TRIM": {
                // Calcite's TRIM(flag, characters, string).
                if (!(call.getOperands().get(0) instanceof RexLiteral flag)) throw new UnsupportedSqlException("TRIM");
                String side = String.valueOf(flag.getValue2()).toUpperCase(Locale.ROOT);
                return r -> {
                    Object characters = args[0].eval(r);
                    Object v = args[1].eval(r);
                    if (characters == null || v == null) return null;
                    return Strings.trim(Scalars.text(v), Scalars.text(characters), side);
                };
            }
            case "SUBSTRING":
                return r -> {
                    Object v = args[0].eval(r);
                    Object from = args[1].eval(r);
                    Object count = args.length > 2 ? args[2].eval(r) : null;
                    if (v == null || from == null || (args.length > 2 && count == null)) return null;
                    return Strings.substring(
                            Scalars.text(v),
                            ((Number) from).longValue(),
                            count == null ? null : ((Number) count).longValue());
                };
            default: // POSITION(a IN b)
                if (args.length != 2) throw new UnsupportedSqlException("POSITION ... FROM");
                return r -> {
                    Object a = args[0].eval(r);
                    Object b = args[1].eval(r);
                    return a == null || b == null ? null : (long) Strings.position(Scalars.text(a), Scalars.text(b));
                };
        }
    }

    /**
     * x LIKE pattern [ESCAPE e], ILIKE, NOT LIKE: PostgreSQL's matching of the whole value, a bpchar's with its padding
     * (as its ~~ operator sees it: 'a'::char(3) LIKE 'a' is false). A constant pattern is read once.
     */
    private Expr like(RexCall call) {
        boolean insensitive = call.getOperator().getName().equalsIgnoreCase("ILIKE");
        boolean negated = call.getOperator() instanceof org.apache.calcite.sql.fun.SqlLikeOperator op && op.isNegated();
        Expr value = compile(call.getOperands().get(0));
        Expr pattern = compile(call.getOperands().get(1));
        Expr escape = call.getOperands().size() > 2 ? compile(call.getOperands().get(2)) : r -> "\\";
        boolean constant = call.getOperands().stream().skip(1).allMatch(RexUtil::isConstant);
        LikePattern fixed = constant ? constantPattern(pattern, escape, insensitive) : null;
        return r -> {
            Object v = value.eval(r);
            LikePattern like = fixed;
            if (like == null) {
                Object p = pattern.eval(r);
                Object e = escape.eval(r);
                if (v == null || p == null || e == null) return null;
                like = LikePattern.of(Scalars.text(p), Scalars.text(e), insensitive);
            }
            if (v == null) return null;
            return like.matches(v instanceof FixedChar c ? c.padded() : Scalars.text(v)) != negated;
        };
    }

    /**
     * A pattern and escape of constants read once, here; null when either is NULL or the pattern is invalid (then it
     * is read, and fails, for each row, as PostgreSQL fails only when it evaluates one).
     */
    private static LikePattern constantPattern(Expr pattern, Expr escape, boolean insensitive) {
        try {
            Object p = pattern.eval(null);
            Object e = escape.eval(null);
            return p == null || e == null ? null : LikePattern.of(Scalars.text(p), Scalars.text(e), insensitive);
        } catch (RuntimeException invalid) {
            return null;
        }
    }

    /** lpad, rpad, split_part, left, right, replace over their arguments' text; NULL in, NULL out. */
    private Expr textFunction(RexCall call, String function) {
        Expr[] args = compileAll(call.getOperands());
        return r -> {
            Object[] v = new Object[args.length];
            for (int i = 0; i < args.length; i++) {
                v[i] = args[i].eval(r);
                if (v[i] == null) return null;
            }
            String s = Scalars.text(v[0]);
            return switch (function) {
                case "LPAD", "RPAD" -> Strings.pad(
                        s,
                        ((Number) v[1]).longValue(),
                        v.length > 2 ? Scalars.text(v[2]) : " ",
                        function.equals("LPAD"));
                case "SPLIT_PART" -> Strings.splitPart(s, Scalars.text(v[1]), ((Number) v[2]).longValue());
                case "REPLACE" -> Strings.replace(s, Scalars.text(v[1]), Scalars.text(v[2]));
                default -> Strings.leftOrRight(s, ((Number) v[1]).longValue(), function.equals("LEFT"));
            };
        };
    }

    /** ABS of a number, of the argument's type (PostgreSQL has abs for each numeric type). */
    private Expr abs(RexCall call) {
        ColumnType type = typeOf(call.getType());
        if (type != ColumnType.DOUBLE && type != ColumnType.REAL && type != ColumnType.DECIMAL && !type.isInteger()) {
            throw new UnsupportedSqlException("ABS of " + type.sqlName());
        }
        Expr e = compile(call.getOperands().get(0));
        return r -> {
            Object v = e.eval(r);
            return v == null ? null : Scalars.abs(type, v);
        };
    }
}
