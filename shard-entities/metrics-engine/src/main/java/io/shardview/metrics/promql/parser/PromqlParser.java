package io.shardview.metrics.promql.parser;

import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.promql.parser.Expr.Aggregate;
import io.shardview.metrics.promql.parser.Expr.At;
import io.shardview.metrics.promql.parser.Expr.Binary;
import io.shardview.metrics.promql.parser.Expr.Call;
import io.shardview.metrics.promql.parser.Expr.Cardinality;
import io.shardview.metrics.promql.parser.Expr.MatrixSelector;
import io.shardview.metrics.promql.parser.Expr.NumberLiteral;
import io.shardview.metrics.promql.parser.Expr.Paren;
import io.shardview.metrics.promql.parser.Expr.StringLiteral;
import io.shardview.metrics.promql.parser.Expr.Subquery;
import io.shardview.metrics.promql.parser.Expr.Unary;
import io.shardview.metrics.promql.parser.Expr.ValueType;
import io.shardview.metrics.promql.parser.Expr.VectorMatching;
import io.shardview.metrics.promql.parser.Expr.VectorSelector;
import io.shardview.metrics.promql.parser.Token.Kind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.PatternSyntaxException;

/**
 * Parses PromQL as Prometheus 2.x does (promql/parser: the grammar of generated_parser.y and the checks of parse.go):
 * a precedence-climbing parser over {@link PromqlLexer}'s tokens builds the tree, reporting syntax errors as they
 * come; {@link PromqlChecker} then checks types on the finished tree, as Prometheus checks only a tree that parsed.
 */
public final class PromqlParser {
    private static final int POW_PRECEDENCE = 6;

    /**
     * The deepest nesting of parentheses, calls, aggregations and signs accepted: the parser recurses through several
     * methods for each. With {@link #MAX_HEIGHT} this keeps parsing, checking and evaluating far from the end of a
     * thread's stack, whose overflow on a server thread is fatal to the JVM. Prometheus has no limits (Go stacks
     * grow); no real query comes near them.
     */
    public static final int MAX_NESTING = 128;

    /** The deepest tree accepted (a chain of 100 additions is 100 deep); the checker and evaluator recurse per level. */
    public static final int MAX_HEIGHT = 256;

    private final String text;
    private final PromqlLexer lexer;
    private Token lookahead;
    private final Map<Expr, Integer> starts = new IdentityHashMap<>();
    private final Map<Expr, Integer> heights = new IdentityHashMap<>();
    private int nesting;
    private final Map<Binary, PromqlChecker.Written> written = new IdentityHashMap<>();

    /**
     * Inside an aggregation's arguments Prometheus's grammar reports a token it cannot place as "unexpected X in
     * aggregation" (the aggregation's error rule is the nearest enclosing one); elsewhere without a context.
     */
    private String errorContext = "";

    private PromqlParser(String text) {
        this.text = text;
        this.lexer = new PromqlLexer(text);
    }

    /**
     * Parses and type-checks a query.
     *
     * @throws PromqlParseException for a query that is not valid PromQL, with Prometheus's message
     * @throws UnsupportedFunctionException for a call of a function Prometheus knows and this server does not evaluate
     */
    public static Expr parse(String text) {
        PromqlParser parser = new PromqlParser(text);
        Expr expr = parser.query();
        new PromqlChecker(text, parser.starts, parser.written).check(expr);
        return expr;
    }

    /**
     * Parses a series selector alone ({@code name}, {@code name{...}} or {@code {...}}), as Prometheus's
     * {@code ParseMetricSelector} does for the {@code match[]} of its series endpoints: the matchers, the metric name
     * last. Whether a matcher picks anything is the caller's to check.
     *
     * @throws PromqlParseException for text that is not a selector, with Prometheus's message
     */
    public static List<Matcher> parseSelector(String text) {
        PromqlParser parser = new PromqlParser(text);
        Token first = parser.next();
        VectorSelector selector;
        if (first.kind() == Kind.LEFT_BRACE) {
            selector = selector(null, parser.labelMatchers());
        } else if (namesMetric(first)) {
            selector = (VectorSelector) parser.namedSelector(first);
        } else {
            throw parser.unexpected(first, "", "");
        }
        Token end = parser.next();
        if (end.kind() != Kind.EOF) {
            throw parser.unexpected(end, "", "");
        }
        return selector.matchers();
    }

    private Expr query() {
        if (peek().kind() == Kind.EOF) {
            throw error(0, "no expression found in input");
        }
        Expr expr = expression(0);
        Token end = next();
        if (end.kind() != Kind.EOF) {
            throw unexpected(end, "", "");
        }
        return expr;
    }

    private Expr expression(int minPrecedence) {
        if (++nesting > MAX_NESTING) {
            throw tooDeep(peek().pos(), "nested", MAX_NESTING);
        }
        Expr expr = climb(minPrecedence);
        nesting--;
        return expr;
    }

    // Precedence climbing: operators bind at least as tightly as minPrecedence; ^ is right-associative.
    private Expr climb(int minPrecedence) {
        Expr lhs = unary();
        while (true) {
            int precedence = precedence(peek().kind());
            if (precedence < 0 || precedence < minPrecedence) {
                return lhs;
            }
            Token op = next();
            Modifiers modifiers = binaryModifiers();
            Expr rhs = expression(op.kind() == Kind.POW ? precedence : precedence + 1);
            lhs = binary(op, modifiers, lhs, rhs);
        }
    }

    private static int precedence(Kind kind) {
        return switch (kind) {
            case LOR -> 1;
            case LAND, LUNLESS -> 2;
            case EQLC, NEQ, LTE, LSS, GTE, GTR -> 3;
            case ADD, SUB -> 4;
            case MUL, DIV, MOD, ATAN2 -> 5;
            case POW -> POW_PRECEDENCE;
            default -> -1;
        };
    }

    /** Unary + and - bind as * does, so only ^ binds tighter: {@code -2^2} is {@code -(2^2)}. */
    private Expr unary() {
        Kind kind = peek().kind();
        if (kind != Kind.ADD && kind != Kind.SUB) {
            return postfix(primary());
        }
        Token op = next();
        boolean negate = kind == Kind.SUB;
        Expr operand = expression(POW_PRECEDENCE);
        if (operand instanceof NumberLiteral number) {
            // Prometheus folds a sign into the number it directly precedes.
            return placed(new NumberLiteral(negate ? -number.value() : number.value()), op.pos());
        }
        return placed(new Unary(negate, operand), op.pos());
    }

    private Expr primary() {
        Token t = next();
        switch (t.kind()) {
            case NUMBER:
                return placed(new NumberLiteral(number(t)), t.pos());
            case STRING:
                return placed(new StringLiteral(t.value()), t.pos());
            case LEFT_PAREN:
                return paren(t);
            case LEFT_BRACE:
                return placed(selector(null, labelMatchers()), t.pos());
            case IDENTIFIER:
                return identifier(t);
            case METRIC_IDENTIFIER, BY, WITHOUT, LAND, LOR, LUNLESS, OFFSET, START, END:
                return namedSelector(t);
            default:
                if (t.kind().group() == Token.Group.AGGREGATOR) {
                    Kind after = peek().kind();
                    boolean aggregation = after == Kind.LEFT_PAREN || after == Kind.BY || after == Kind.WITHOUT;
                    return aggregation ? aggregate(t) : namedSelector(t);
                }
                throw unexpected(t);
        }
    }

    /** Whether {@code t} can name a metric before braces: an identifier, or a keyword Prometheus's grammar allows. */
    private static boolean namesMetric(Token t) {
        return switch (t.kind()) {
            case IDENTIFIER, METRIC_IDENTIFIER, BY, WITHOUT, LAND, LOR, LUNLESS, OFFSET, START, END -> true;
            default -> t.kind().group() == Token.Group.AGGREGATOR;
        };
    }

    private Expr identifier(Token name) {
        Kind after = peek().kind();
        if (after == Kind.LEFT_PAREN) {
            return call(name);
        }
        if (Functions.isKnownButUnsupported(name.text()) && (after == Kind.BY || after == Kind.WITHOUT)) {
            throw new UnsupportedFunctionException(name.text(), name.pos()); // limitk by (x) (...)
        }
        return namedSelector(name);
    }

    private Expr paren(Token open) {
        Expr inner = expression(0);
        Token close = next();
        if (close.kind() != Kind.RIGHT_PAREN) {
            throw unexpected(close);
        }
        return placed(new Paren(inner), open.pos());
    }

    // ---- selectors

    private Expr namedSelector(Token name) {
        List<Matcher> matchers = new ArrayList<>();
        if (peek().kind() == Kind.LEFT_BRACE) {
            next();
            matchers.addAll(labelMatchers());
        }
        return placed(selector(name.text(), matchers), name.pos());
    }

    /** As Prometheus: a metric name written before the braces becomes the last matcher. */
    private static VectorSelector selector(String name, List<Matcher> matchers) {
        List<Matcher> all = new ArrayList<>(matchers);
        if (name != null) {
            all.add(Matcher.eq("__name__", name));
        }
        return new VectorSelector(name, List.copyOf(all), 0, null);
    }

    /** The matchers after an opening brace, through the closing one; a trailing comma is allowed. */
    private List<Matcher> labelMatchers() {
        List<Matcher> matchers = new ArrayList<>();
        if (peek().kind() == Kind.RIGHT_BRACE) {
            next();
            return matchers;
        }
        while (true) {
            matchers.add(labelMatcher());
            Token t = next();
            if (t.kind() == Kind.RIGHT_BRACE) {
                return matchers;
            }
            if (t.kind() != Kind.COMMA) {
                throw unexpected(t, "label matching", "\",\" or \"}\"");
            }
            if (peek().kind() == Kind.RIGHT_BRACE) {
                next();
                return matchers;
            }
        }
    }

    private Matcher labelMatcher() {
        Token label = next();
        if (label.kind() != Kind.IDENTIFIER) {
            throw unexpected(label, "label matching", "identifier or \"}\"");
        }
        Token op = next();
        Matcher.Type type =
                switch (op.kind()) {
                    case EQL -> Matcher.Type.EQ;
                    case NEQ -> Matcher.Type.NEQ;
                    case EQL_REGEX -> Matcher.Type.RE;
                    case NEQ_REGEX -> Matcher.Type.NRE;
                    default -> throw unexpected(op, "label matching", "label matching operator");
                };
        Token value = next();
        if (value.kind() != Kind.STRING) {
            throw unexpected(value, "label matching", "string");
        }
        try {
            return Matcher.of(type, label.text(), value.value());
        } catch (PatternSyntaxException e) {
            throw error(label.pos(), "error parsing regexp: " + e.getDescription() + ": `" + value.value() + "`");
        }
    }

    // ---- calls and aggregations

    private Expr call(Token name) {
        List<Expr> args = arguments();
        // Prometheus looks the name up once the call is read, so errors inside the arguments come first.
        if (Functions.isKnownButUnsupported(name.text())) {
            throw new UnsupportedFunctionException(name.text(), name.pos());
        }
        Functions.Signature signature = Functions.lookup(name.text())
                .orElseThrow(() -> error(name.pos(), "unknown function with name " + GoText.quote(name.text())));
        return placed(new Call(name.text(), List.copyOf(args), signature.returns()), name.pos());
    }

    /** {@code ( expr, ... )}: the parenthesised arguments of a call or an aggregation. */
    private List<Expr> arguments() {
        Token open = next();
        if (open.kind() != Kind.LEFT_PAREN) {
            throw unexpected(open);
        }
        List<Expr> args = new ArrayList<>();
        if (peek().kind() == Kind.RIGHT_PAREN) {
            next();
            return args;
        }
        while (true) {
            args.add(expression(0));
            Token t = next();
            if (t.kind() == Kind.RIGHT_PAREN) {
                return args;
            }
            if (t.kind() != Kind.COMMA) {
                throw unexpected(t);
            }
            if (peek().kind() == Kind.RIGHT_PAREN) {
                throw error(t.pos(), "trailing commas not allowed in function call args");
            }
        }
    }

    /** {@code sum by (a) (x)} or {@code sum (x) by (a)}; topk, bottomk, quantile and count_values take a parameter. */
    private Expr aggregate(Token op) {
        String outerContext = errorContext;
        errorContext = "aggregation";
        List<String> grouping = null;
        boolean without = false;
        if (peek().kind() == Kind.BY || peek().kind() == Kind.WITHOUT) {
            without = next().kind() == Kind.WITHOUT;
            grouping = groupingLabels();
        }
        List<Expr> args = arguments();
        if (grouping == null && (peek().kind() == Kind.BY || peek().kind() == Kind.WITHOUT)) {
            without = next().kind() == Kind.WITHOUT;
            grouping = groupingLabels();
        }
        errorContext = outerContext;
        if (args.isEmpty()) {
            throw error(op.pos(), "no arguments for aggregate expression provided");
        }
        boolean hasParam =
                switch (op.kind()) {
                    case TOPK, BOTTOMK, QUANTILE, COUNT_VALUES -> true;
                    default -> false;
                };
        int wanted = hasParam ? 2 : 1;
        if (args.size() != wanted) {
            throw error(
                    op.pos(),
                    "wrong number of arguments for aggregate expression provided, expected " + wanted + ", got "
                            + args.size());
        }
        String name = op.text().toLowerCase(Locale.ROOT);
        Expr param = hasParam ? args.get(0) : null;
        List<String> labels = grouping == null ? List.of() : grouping;
        return placed(new Aggregate(name, args.get(wanted - 1), param, labels, without), op.pos());
    }

    /**
     * {@code (a, b)} after by, without, on, ignoring, group_left, group_right: label names, which may be keywords
     * ({@code by (on)}); a trailing comma is allowed.
     */
    private List<String> groupingLabels() {
        Token open = next();
        if (open.kind() != Kind.LEFT_PAREN) {
            throw unexpected(open, "grouping opts", "\"(\"");
        }
        List<String> labels = new ArrayList<>();
        if (peek().kind() == Kind.RIGHT_PAREN) {
            next();
            return List.of();
        }
        while (true) {
            Token label = next();
            if (!isGroupingLabel(label)) {
                throw unexpected(label, "grouping opts", "label");
            }
            labels.add(label.text());
            Token t = next();
            if (t.kind() == Kind.RIGHT_PAREN) {
                return List.copyOf(labels);
            }
            if (t.kind() != Kind.COMMA) {
                throw unexpected(t, "grouping opts", "\",\" or \")\"");
            }
            if (peek().kind() == Kind.RIGHT_PAREN) {
                next();
                return List.copyOf(labels);
            }
        }
    }

    /** An identifier or any keyword except {@code inf}/{@code nan} (numbers to the lexer); no colons. */
    private static boolean isGroupingLabel(Token t) {
        return switch (t.kind().group()) {
            case AGGREGATOR, KEYWORD, PREPROCESSOR -> true;
            case OPERATOR -> t.kind() == Kind.LAND
                    || t.kind() == Kind.LOR
                    || t.kind() == Kind.LUNLESS
                    || t.kind() == Kind.ATAN2;
            default -> t.kind() == Kind.IDENTIFIER; // not a metric identifier: no colons in label names
        };
    }

    // ---- binary operations

    private record Modifiers(boolean returnBool, VectorMatching matching) {}

    /** {@code bool}, then {@code on(...)} / {@code ignoring(...)}, then {@code group_left} / {@code group_right}. */
    private Modifiers binaryModifiers() {
        boolean returnBool = false;
        if (peek().kind() == Kind.BOOL) {
            next();
            returnBool = true;
        }
        Cardinality cardinality = Cardinality.ONE_TO_ONE;
        List<String> labels = List.of();
        List<String> include = List.of();
        boolean on = false;
        Kind kind = peek().kind();
        if (kind == Kind.ON || kind == Kind.IGNORING) {
            on = next().kind() == Kind.ON;
            labels = groupingLabels();
            Kind group = peek().kind();
            if (group == Kind.GROUP_LEFT || group == Kind.GROUP_RIGHT) {
                next();
                cardinality = group == Kind.GROUP_LEFT ? Cardinality.MANY_TO_ONE : Cardinality.ONE_TO_MANY;
                if (peek().kind() == Kind.LEFT_PAREN) {
                    include = groupingLabels();
                }
            }
        }
        return new Modifiers(returnBool, new VectorMatching(cardinality, labels, on, include));
    }

    /**
     * Builds the operation with its matching as the evaluator wants it: set operators between vectors are
     * many-to-many, and there is no matching when a side is not an instant vector. What was written goes to the
     * checker, which judges it as Prometheus does.
     */
    private Expr binary(Token op, Modifiers modifiers, Expr lhs, Expr rhs) {
        String name = op.text().toLowerCase(Locale.ROOT);
        VectorMatching matching = modifiers.matching();
        boolean setOperator = op.kind() == Kind.LAND || op.kind() == Kind.LOR || op.kind() == Kind.LUNLESS;
        if (setOperator && matching.cardinality() == Cardinality.ONE_TO_ONE) {
            matching =
                    new VectorMatching(Cardinality.MANY_TO_MANY, matching.labels(), matching.on(), matching.include());
        }
        if (lhs.type() != ValueType.INSTANT_VECTOR || rhs.type() != ValueType.INSTANT_VECTOR) {
            matching = null;
        }
        Binary binary = new Binary(name, lhs, rhs, modifiers.returnBool(), matching);
        written.put(binary, new PromqlChecker.Written(op.pos(), modifiers.matching()));
        return placed(binary, start(lhs));
    }

    // ---- postfix: ranges, subqueries, offset and @

    private Expr postfix(Expr expr) {
        Expr e = expr;
        while (true) {
            switch (peek().kind()) {
                case LEFT_BRACKET -> e = rangeOrSubquery(e, next());
                case OFFSET -> {
                    next();
                    e = offset(e);
                }
                case AT -> {
                    next();
                    e = at(e);
                }
                default -> {
                    return e;
                }
            }
        }
    }

    private Expr rangeOrSubquery(Expr e, Token bracket) {
        long range = duration(next(), "subquery selector", "duration");
        Token t = next();
        if (t.kind() == Kind.RIGHT_BRACKET) {
            return matrix(e, bracket, range);
        }
        if (t.kind() != Kind.COLON) {
            throw unexpected(t, "subquery or range", "\":\" or \"]\"");
        }
        Token s = next();
        long step = 0;
        if (s.kind() == Kind.DURATION) {
            step = duration(s, "", "");
            s = next();
            if (s.kind() != Kind.RIGHT_BRACKET) {
                throw unexpected(s, "subquery selector", "\"]\"");
            }
        } else if (s.kind() != Kind.RIGHT_BRACKET) {
            throw unexpected(s, "subquery selector", "duration or \"]\"");
        }
        return placed(new Subquery(e, range, step, 0, null), start(e));
    }

    private Expr matrix(Expr e, Token bracket, long range) {
        if (!(e instanceof VectorSelector vs)) {
            throw error(bracket.pos(), "ranges only allowed for vector selectors");
        }
        if (vs.offsetMillis() != 0) {
            throw error(bracket.pos(), "no offset modifiers allowed before range");
        }
        if (vs.at() != null) {
            throw error(bracket.pos(), "no @ modifiers allowed before range");
        }
        return placed(new MatrixSelector(vs, range), start(e));
    }

    private Expr offset(Expr e) {
        Token t = next();
        boolean negative = t.kind() == Kind.SUB;
        if (negative) {
            t = next();
        }
        long offset = duration(t, "offset", "duration");
        return withOffset(e, negative ? -offset : offset);
    }

    private Expr at(Expr e) {
        Token t = next();
        At at;
        if (t.kind() == Kind.START || t.kind() == Kind.END) {
            expect(Kind.LEFT_PAREN, "@", "timestamp");
            expect(Kind.RIGHT_PAREN, "@", "timestamp");
            at = t.kind() == Kind.START ? new At.Start() : new At.End();
        } else {
            double sign = 1;
            if (t.kind() == Kind.ADD || t.kind() == Kind.SUB) {
                sign = t.kind() == Kind.SUB ? -1 : 1;
                t = next();
            }
            if (t.kind() != Kind.NUMBER) {
                throw unexpected(t, "@", "timestamp");
            }
            double seconds = sign * number(t);
            if (!(seconds < 0x1p63 && seconds > -0x1p63)) { // also NaN
                throw error(start(e), "timestamp out of bounds for @ modifier: " + goFloat(seconds));
            }
            at = new At.Time((long) (Math.signum(seconds) * Math.floor(Math.abs(seconds) * 1000 + 0.5)));
        }
        return withAt(e, at);
    }

    private Expr withOffset(Expr e, long offset) {
        if (e instanceof VectorSelector vs) {
            requireNoOffset(e, vs.offsetMillis());
            return placed(new VectorSelector(vs.name(), vs.matchers(), offset, vs.at()), start(e));
        }
        if (e instanceof MatrixSelector m) {
            VectorSelector vs = m.selector();
            requireNoOffset(e, vs.offsetMillis());
            VectorSelector moved = placed(new VectorSelector(vs.name(), vs.matchers(), offset, vs.at()), start(vs));
            return placed(new MatrixSelector(moved, m.rangeMillis()), start(e));
        }
        if (e instanceof Subquery s) {
            requireNoOffset(e, s.offsetMillis());
            return placed(new Subquery(s.expr(), s.rangeMillis(), s.stepMillis(), offset, s.at()), start(e));
        }
        throw error(
                start(e),
                "offset modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void requireNoOffset(Expr e, long offset) {
        if (offset != 0) { // PromQL offsets are never 0
            throw error(start(e), "offset may not be set multiple times");
        }
    }

    private Expr withAt(Expr e, At at) {
        if (e instanceof VectorSelector vs) {
            requireNoAt(e, vs.at());
            return placed(new VectorSelector(vs.name(), vs.matchers(), vs.offsetMillis(), at), start(e));
        }
        if (e instanceof MatrixSelector m) {
            VectorSelector vs = m.selector();
            requireNoAt(e, vs.at());
            VectorSelector moved =
                    placed(new VectorSelector(vs.name(), vs.matchers(), vs.offsetMillis(), at), start(vs));
            return placed(new MatrixSelector(moved, m.rangeMillis()), start(e));
        }
        if (e instanceof Subquery s) {
            requireNoAt(e, s.at());
            return placed(new Subquery(s.expr(), s.rangeMillis(), s.stepMillis(), s.offsetMillis(), at), start(e));
        }
        throw error(
                start(e),
                "@ modifier must be preceded by an instant vector selector or range vector selector or a subquery");
    }

    private void requireNoAt(Expr e, At at) {
        if (at != null) {
            throw error(start(e), "@ <timestamp> may not be set multiple times");
        }
    }

    /** Go's {@code %f}: six decimals, and {@code +Inf}, {@code -Inf}, {@code NaN}. */
    private static String goFloat(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return new BigDecimal(value).setScale(6, RoundingMode.HALF_EVEN).toPlainString();
    }

    // ---- literals

    private double number(Token t) {
        try {
            return GoNumbers.parseLiteral(t.text());
        } catch (NumberFormatException e) {
            throw error(t.pos(), "error parsing number: " + e.getMessage());
        }
    }

    /** A duration token: PromQL durations must be positive. */
    private long duration(Token t, String context, String expected) {
        if (t.kind() != Kind.DURATION) {
            throw unexpected(t, context, expected);
        }
        long millis;
        try {
            millis = Durations.parse(t.text());
        } catch (IllegalArgumentException e) {
            throw error(t.pos(), e.getMessage());
        }
        if (millis == 0) {
            throw error(t.pos(), "duration must be greater than 0");
        }
        return millis;
    }

    // ---- tokens, positions, errors

    private Token peek() {
        if (lookahead == null) {
            lookahead = lexer.next();
        }
        return lookahead;
    }

    private Token next() {
        Token t = peek();
        lookahead = null;
        return t;
    }

    private void expect(Kind kind, String context, String expected) {
        Token t = next();
        if (t.kind() != kind) {
            throw unexpected(t, context, expected);
        }
    }

    /** Records where a new node starts, for the checker's errors, and refuses it if the tree gets too deep. */
    private <T extends Expr> T placed(T expr, int start) {
        int height = 1 + children(expr).stream().mapToInt(heights::get).max().orElse(0);
        if (height > MAX_HEIGHT) {
            throw tooDeep(start, "deep", MAX_HEIGHT);
        }
        starts.put(expr, start);
        heights.put(expr, height);
        return expr;
    }

    private static List<Expr> children(Expr expr) {
        if (expr instanceof Aggregate a) {
            return a.param() == null ? List.of(a.expr()) : List.of(a.param(), a.expr());
        } else if (expr instanceof Binary b) {
            return List.of(b.lhs(), b.rhs());
        } else if (expr instanceof Call c) {
            return c.args();
        } else if (expr instanceof MatrixSelector m) {
            return List.of(m.selector());
        } else if (expr instanceof Subquery s) {
            return List.of(s.expr());
        } else if (expr instanceof Paren p) {
            return List.of(p.expr());
        } else if (expr instanceof Unary u) {
            return List.of(u.expr());
        }
        return List.of();
    }

    private PromqlParseException tooDeep(int position, String what, int limit) {
        return error(position, "expression too " + what + ": more than " + limit + " levels");
    }

    private int start(Expr expr) {
        return starts.get(expr);
    }

    private PromqlParseException error(int position, String message) {
        return new PromqlParseException(text, position, message);
    }

    private PromqlParseException unexpected(Token t) {
        return unexpected(t, errorContext, "");
    }

    private PromqlParseException unexpected(Token t, String context, String expected) {
        StringBuilder message = new StringBuilder("unexpected ").append(t.describe());
        if (!context.isEmpty()) {
            message.append(" in ").append(context);
        }
        if (!expected.isEmpty()) {
            message.append(", expected ").append(expected);
        }
        return error(t.pos(), message.toString());
    }
}
