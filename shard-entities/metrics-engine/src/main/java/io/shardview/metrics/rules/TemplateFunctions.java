package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateValues.GoMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The functions a template can call: Go's builtins and Prometheus's (template/template.go of v2.42), each with Go's
 * parameter types, which decide how literals and values are checked before the call ("wrong type for value; expected
 * string; got float64"). A function fails by throwing {@link Failure}; the caller reports "error calling NAME: ...".
 */
final class TemplateFunctions {
    private TemplateFunctions() {}

    /** Go's parameter types that matter here: string, or anything (interface{} or reflect.Value). */
    enum Param {
        STRING,
        ANY
    }

    /** A function's body: the checked arguments in, a value out. */
    interface Body {
        Object call(List<Object> args, String externalURL);
    }

    /** A function: fixed parameters, then (when variadic) any number of the last one's type. */
    record Fn(List<Param> params, boolean variadic, Body body) {}

    /** The error a function returns (or panics with), reported as "error calling NAME: MESSAGE". */
    static final class Failure extends RuntimeException {
        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private static final Param S = Param.STRING;
    private static final Param A = Param.ANY;

    /** Prometheus's functions that query the database: refused, as this node's rules get no query engine here. */
    private static final Set<String> QUERY_FUNCTIONS =
            Set.of("query", "first", "label", "value", "strvalue", "sortByLabel");

    /** Go builtins this package does not run. */
    private static final Set<String> UNSUPPORTED_BUILTINS = Set.of("slice", "call");

    private static final Map<String, Fn> FUNCTIONS = new TreeMap<>();

    private static void define(String name, boolean variadic, Body body, Param... params) {
        FUNCTIONS.put(name, new Fn(List.of(params), variadic, body));
    }

    static {
        // and/or short-circuit: the executor evaluates them itself and never calls these bodies.
        define("and", true, (a, u) -> null, A, A);
        define("or", true, (a, u) -> null, A, A);
        define("not", false, (a, u) -> !TemplateValues.isTrue(a.get(0)), A);
        define("len", false, (a, u) -> GoBuiltins.length(a.get(0)), A);
        define("index", true, (a, u) -> GoBuiltins.index(a.get(0), a.subList(1, a.size())), A, A);
        define("print", true, (a, u) -> GoFormat.sprint(a), A);
        define("println", true, (a, u) -> GoFormat.sprintln(a), A);
        define("printf", true, (a, u) -> GoFormat.sprintf((String) a.get(0), a.subList(1, a.size())), S, A);
        define("eq", true, (a, u) -> GoBuiltins.eq(a.get(0), a.subList(1, a.size())), A, A);
        define("ne", false, (a, u) -> !GoBuiltins.eq(a.get(0), a.subList(1, 2)), A, A);
        define("lt", false, (a, u) -> GoBuiltins.lt(a.get(0), a.get(1)), A, A);
        define(
                "le",
                false,
                (a, u) -> GoBuiltins.lt(a.get(0), a.get(1)) || GoBuiltins.eq(a.get(0), a.subList(1, 2)),
                A,
                A);
        define(
                "gt",
                false,
                (a, u) -> !(GoBuiltins.lt(a.get(0), a.get(1)) || GoBuiltins.eq(a.get(0), a.subList(1, 2))),
                A,
                A);
        define("ge", false, (a, u) -> !GoBuiltins.lt(a.get(0), a.get(1)), A, A);
        define("html", true, (a, u) -> GoBuiltins.htmlEscape(GoBuiltins.evalArgs(a)), A);
        define("js", true, (a, u) -> GoBuiltins.jsEscape(GoBuiltins.evalArgs(a)), A);
        define("urlquery", true, (a, u) -> GoBuiltins.queryEscape(GoBuiltins.evalArgs(a)), A);

        define(
                "args",
                true,
                (a, u) -> {
                    TreeMap<String, Object> m = new TreeMap<>();
                    for (int i = 0; i < a.size(); i++) m.put("arg" + i, a.get(i));
                    return new GoMap(m, false);
                },
                A);
        define(
                "reReplaceAll",
                false,
                (a, u) -> PrometheusFunctions.reReplaceAll((String) a.get(0), (String) a.get(1), (String) a.get(2)),
                S,
                S,
                S);
        define("safeHtml", false, (a, u) -> new TemplateValues.SafeHtml((String) a.get(0)), S);
        define("match", false, (a, u) -> PrometheusFunctions.match((String) a.get(0), (String) a.get(1)), S, S);
        define("title", false, (a, u) -> PrometheusFunctions.title((String) a.get(0)), S);
        define("toUpper", false, (a, u) -> PrometheusFunctions.mapCodePoints((String) a.get(0), true), S);
        define("toLower", false, (a, u) -> PrometheusFunctions.mapCodePoints((String) a.get(0), false), S);
        define(
                "graphLink",
                false,
                (a, u) -> "/graph?g0.expr=" + GoBuiltins.queryEscape((String) a.get(0)) + "&g0.tab=0",
                S);
        define(
                "tableLink",
                false,
                (a, u) -> "/graph?g0.expr=" + GoBuiltins.queryEscape((String) a.get(0)) + "&g0.tab=1",
                S);
        define("stripPort", false, (a, u) -> PrometheusFunctions.stripPort((String) a.get(0)), S);
        define("stripDomain", false, (a, u) -> PrometheusFunctions.stripDomain((String) a.get(0)), S);
        define("humanize", false, (a, u) -> PrometheusFunctions.humanize(a.get(0)), A);
        define("humanize1024", false, (a, u) -> PrometheusFunctions.humanize1024(a.get(0)), A);
        define("humanizeDuration", false, (a, u) -> PrometheusFunctions.humanizeDuration(a.get(0)), A);
        define(
                "humanizePercentage",
                false,
                (a, u) -> GoFormat.sprintf("%.4g%%", List.of(PrometheusFunctions.toFloat(a.get(0)) * 100)),
                A);
        define("humanizeTimestamp", false, (a, u) -> PrometheusFunctions.humanizeTimestamp(a.get(0)), A);
        define("toTime", false, (a, u) -> PrometheusFunctions.toTime(a.get(0)), A);
        define("parseDuration", false, (a, u) -> PrometheusFunctions.parseDuration((String) a.get(0)), S);
        // The node keeps the external URL as a string; its path prefix is not derived from it.
        define("pathPrefix", false, (a, u) -> "");
        define("externalURL", false, (a, u) -> u);
    }

    /** The function called name, or null. */
    static Fn lookup(String name) {
        return FUNCTIONS.get(name);
    }

    /** Go's parse-time check that a function exists, and this node's refusals of the ones it cannot run. */
    static void checkDefined(String name, Function<String, TemplateException> error) {
        if (QUERY_FUNCTIONS.contains(name)) {
            throw error.apply("function " + GoText.quote(name)
                    + " is not supported in this node's rules (it queries the database)");
        }
        if (UNSUPPORTED_BUILTINS.contains(name)) {
            throw error.apply("function " + GoText.quote(name) + " is not supported in alert templates here");
        }
        if (!FUNCTIONS.containsKey(name)) throw error.apply("function " + GoText.quote(name) + " not defined");
    }
}
