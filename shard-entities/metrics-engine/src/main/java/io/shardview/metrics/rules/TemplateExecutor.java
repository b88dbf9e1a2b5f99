package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateFunctions.Failure;
import io.shardview.metrics.rules.TemplateFunctions.Fn;
import io.shardview.metrics.rules.TemplateFunctions.Param;
import io.shardview.metrics.rules.TemplateNode.Arg;
import io.shardview.metrics.rules.TemplateNode.Command;
import io.shardview.metrics.rules.TemplateNode.Control;
import io.shardview.metrics.rules.TemplateNode.Pipe;
import io.shardview.metrics.rules.TemplateValues.AlertData;
import io.shardview.metrics.rules.TemplateValues.GoMap;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One execution of a parsed template, as Go's text/template/exec.go runs it with Prometheus's option
 * missingkey=zero: a variable stack, dot, and the node being evaluated, which an error names with its position.
 */
final class TemplateExecutor {
    /** An execution error, already worded as Go words it ("template: NAME:LINE:COL: executing ..."). */
    static final class ExecError extends RuntimeException {
        ExecError(String message) {
            super(message, null, false, false);
        }
    }

    /** The value of a pipeline stage that has none yet (Go's missingVal): distinct from nil. */
    private static final Object MISSING = new Object();

    private record Var(String name, Object value) {}

    private final String name;
    private final String text;
    private final String externalURL;
    private final List<Var> vars = new ArrayList<>();
    private TemplateNode node;

    TemplateExecutor(String name, String text, AlertData data, String externalURL) {
        this.name = name;
        this.text = text;
        this.externalURL = externalURL;
        vars.add(new Var("$", data));
    }

    /** Runs the nodes with data as dot, appending to out; throws ExecError. */
    void run(List<TemplateNode> nodes, Object dot, StringBuilder out) {
        for (TemplateNode n : nodes) walk(dot, n, out);
    }

    private void walk(Object dot, TemplateNode n, StringBuilder out) {
        node = n;
        if (n instanceof TemplateNode.Text t) {
            out.append(t.text());
        } else if (n instanceof TemplateNode.Action a) {
            Object v = evalPipeline(dot, a.pipe());
            if (a.pipe().decl().isEmpty()) {
                node = a;
                out.append(v == null ? "<no value>" : GoFormat.value(v));
            }
        } else if (n instanceof Control c) {
            int mark = vars.size();
            if (c.kind() == TemplateNode.ControlKind.RANGE) {
                node = c;
                range(dot, c, out);
            } else {
                Object v = evalPipeline(dot, c.pipe());
                if (TemplateValues.isTrue(v)) run(c.list(), c.kind() == TemplateNode.ControlKind.WITH ? v : dot, out);
                else if (c.elseList() != null) run(c.elseList(), dot, out);
            }
            pop(mark);
        }
    }

    private void range(Object dot, Control r, StringBuilder out) {
        Object v = evalPipeline(dot, r.pipe());
        if (v instanceof GoMap m && !m.entries().isEmpty()) {
            int mark = vars.size();
            List<String> decl = r.pipe().decl();
            for (Map.Entry<String, Object> e : m.entries().entrySet()) {
                // Go sets the declared variables (pushed by the pipeline) to the key and element of each turn.
                if (!decl.isEmpty()) setTop(1, e.getValue());
                if (decl.size() > 1) setTop(2, e.getKey());
                run(r.list(), e.getValue(), out);
                pop(mark);
            }
            return;
        }
        if (v != null && !(v instanceof GoMap)) errorf("range can't iterate over " + GoFormat.value(v));
        if (r.elseList() != null) run(r.elseList(), dot, out);
    }

    private Object evalPipeline(Object dot, Pipe pipe) {
        node = pipe;
        Object value = MISSING;
        for (Command cmd : pipe.cmds()) value = evalCommand(dot, cmd, value);
        for (String v : pipe.decl()) {
            if (pipe.isAssign()) setVar(v, value);
            else vars.add(new Var(v, value));
        }
        return value;
    }

    private Object evalCommand(Object dot, Command cmd, Object fin) {
        Arg first = cmd.args().get(0);
        if (first instanceof TemplateNode.Field f) return evalField(dot, dot, f, f.idents(), cmd.args(), fin);
        if (first instanceof TemplateNode.Chain c) return evalChain(dot, c, cmd.args(), fin);
        if (first instanceof TemplateNode.Identifier id) return evalFunction(dot, id, cmd, cmd.args(), fin);
        if (first instanceof Pipe p) {
            notAFunction(cmd.args(), fin);
            return evalPipeline(dot, p);
        }
        if (first instanceof TemplateNode.Variable v) return evalVariable(dot, v, cmd.args(), fin);
        node = first;
        notAFunction(cmd.args(), fin);
        if (first instanceof TemplateNode.Bool b) return b.value();
        if (first instanceof TemplateNode.Dot) return dot;
        if (first instanceof TemplateNode.Nil) errorf("nil is not a command");
        if (first instanceof TemplateNode.Number n) return idealConstant(n);
        return ((TemplateNode.Str) first).value();
    }

    private Object idealConstant(TemplateNode.Number n) {
        node = n;
        if (n.value() == null) errorf(n.text() + " overflows int");
        return n.value();
    }

    private void notAFunction(List<Arg> args, Object fin) {
        if (args.size() > 1 || fin != MISSING) errorf("can't give argument to non-function " + args.get(0));
    }

    private Object evalChain(Object dot, TemplateNode.Chain chain, List<Arg> args, Object fin) {
        node = chain;
        if (chain.node() instanceof TemplateNode.Nil) errorf("indirection through explicit nil in " + chain);
        Object receiver = evalArg(dot, Param.ANY, chain.node());
        return evalField(dot, receiver, chain, chain.fields(), args, fin);
    }

    private Object evalVariable(Object dot, TemplateNode.Variable v, List<Arg> args, Object fin) {
        node = v;
        Object value = varValue(v.idents().get(0));
        if (v.idents().size() == 1) {
            notAFunction(args, fin);
            return value;
        }
        return evalField(dot, value, v, v.idents().subList(1, v.idents().size()), args, fin);
    }

    /** Walks .A.B.C from receiver; only the last field sees the command's arguments. */
    private Object evalField(
            Object dot, Object receiver, TemplateNode at, List<String> idents, List<Arg> args, Object fin) {
        node = at;
        for (int i = 0; i < idents.size(); i++) {
            boolean last = i == idents.size() - 1;
            boolean hasArgs = last && (args.size() > 1 || fin != MISSING);
            receiver = field(idents.get(i), receiver, hasArgs);
        }
        return receiver;
    }

    private Object field(String field, Object receiver, boolean hasArgs) {
        if (receiver == null) return null;
        if (receiver instanceof GoMap m) {
            if (hasArgs) errorf(field + " is not a method but has arguments");
            Object v = m.entries().get(field);
            return v != null || m.entries().containsKey(field) ? v : m.stringValued() ? "" : null;
        }
        if (receiver instanceof AlertData d) {
            Object v =
                    switch (field) {
                        case "Labels" -> d.labels();
                        case "ExternalLabels" -> d.externalLabels();
                        case "ExternalURL" -> d.externalURL();
                        case "Value" -> d.value();
                        default -> MISSING;
                    };
            if (v != MISSING) {
                if (hasArgs) errorf(field + " has arguments but cannot be invoked as function");
                return v;
            }
        }
        if (receiver instanceof TemplateValues.GoTime) {
            errorf("method " + field + " of *time.Time is not supported in alert templates here");
        }
        errorf("can't evaluate field " + field + " in type " + TemplateValues.typeName(receiver));
        return null;
    }

    private Object evalFunction(Object dot, TemplateNode.Identifier id, TemplateNode cmd, List<Arg> args, Object fin) {
        node = id;
        Fn fn = TemplateFunctions.lookup(id.name());
        if (fn == null) errorf(GoText.quote(id.name()) + " is not a defined function");
        return evalCall(dot, fn, cmd, id.name(), args, fin);
    }

    private Object evalCall(Object dot, Fn fn, TemplateNode at, String fname, List<Arg> args, Object fin) {
        List<Arg> given = args == null ? List.of() : args.subList(1, args.size());
        int numIn = given.size() + (fin != MISSING ? 1 : 0);
        int numFixed = given.size();
        if (fn.variadic()) {
            numFixed = fn.params().size() - 1;
            if (numIn < numFixed) {
                errorf("wrong number of args for " + fname + ": want at least " + numFixed + " got " + given.size());
            }
        } else if (numIn != fn.params().size()) {
            errorf("wrong number of args for " + fname + ": want " + fn.params().size() + " got " + numIn);
        }
        if (fname.equals("and") || fname.equals("or")) return andOr(dot, fname.equals("or"), given, fin);
        List<Object> argv = new ArrayList<>();
        for (int i = 0; i < given.size(); i++) {
            argv.add(evalArg(dot, fn.params().get(Math.min(i, fn.params().size() - 1)), given.get(i)));
        }
        if (fin != MISSING)
            argv.add(validate(
                    fin, fn.params().get(Math.min(numIn - 1, fn.params().size() - 1))));
        try {
            return fn.body().call(argv, externalURL);
        } catch (Failure e) {
            node = at;
            errorf("error calling " + fname + ": " + e.getMessage());
            return null;
        }
    }

    /** and/or stop at the first argument that decides, without evaluating the rest (Go 1.18+). */
    private Object andOr(Object dot, boolean or, List<Arg> given, Object fin) {
        Object v = null;
        for (Arg a : given) {
            v = evalArg(dot, Param.ANY, a);
            if (TemplateValues.isTrue(v) == or) return v;
        }
        return fin != MISSING ? fin : v;
    }

    private Object evalArg(Object dot, Param type, Arg n) {
        node = n;
        if (n instanceof TemplateNode.Dot) return validate(dot, type);
        if (n instanceof TemplateNode.Nil) {
            if (type == Param.STRING) errorf("cannot assign nil to string");
            return null;
        }
        if (n instanceof TemplateNode.Field f)
            return validate(evalField(dot, dot, f, f.idents(), List.of(n), MISSING), type);
        if (n instanceof TemplateNode.Variable v) return validate(evalVariable(dot, v, List.of(v), MISSING), type);
        if (n instanceof Pipe p) return validate(evalPipeline(dot, p), type);
        if (n instanceof TemplateNode.Identifier id) return validate(evalFunction(dot, id, id, null, MISSING), type);
        if (n instanceof TemplateNode.Chain c) return validate(evalChain(dot, c, List.of(c), MISSING), type);
        if (type == Param.STRING) {
            if (n instanceof TemplateNode.Str s) return s.value();
            errorf("expected string; found " + n);
        }
        if (n instanceof TemplateNode.Bool b) return b.value();
        if (n instanceof TemplateNode.Number num) return idealConstant(num);
        return ((TemplateNode.Str) n).value();
    }

    private Object validate(Object value, Param type) {
        if (type == Param.ANY) return value;
        if (value == null) errorf("invalid value; expected string");
        if (!(value instanceof String)) {
            errorf("wrong type for value; expected string; got " + TemplateValues.typeName(value));
        }
        return value;
    }

    private Object varValue(String v) {
        for (int i = vars.size() - 1; i >= 0; i--)
            if (vars.get(i).name().equals(v)) return vars.get(i).value();
        errorf("undefined variable: " + v);
        return null;
    }

    private void setVar(String v, Object value) {
        for (int i = vars.size() - 1; i >= 0; i--) {
            if (vars.get(i).name().equals(v)) {
                vars.set(i, new Var(v, value));
                return;
            }
        }
        errorf("undefined variable: " + v);
    }

    private void setTop(int n, Object value) {
        int i = vars.size() - n;
        vars.set(i, new Var(vars.get(i).name(), value));
    }

    private void pop(int mark) {
        while (vars.size() > mark) vars.remove(vars.size() - 1);
    }

    /** Go's exec error: "template: NAME:LINE:COL: executing "NAME" at <NODE>: MSG", COL in bytes from 0. */
    private void errorf(String message) {
        int pos = node.pos();
        String before = text.substring(0, pos);
        int nl = before.lastIndexOf('\n');
        int line = 1 + (int) before.chars().filter(c -> c == '\n').count();
        int col = before.substring(nl + 1).getBytes(StandardCharsets.UTF_8).length;
        String location = name + ":" + line + ":" + col;
        throw new ExecError(
                "template: " + location + ": executing " + GoText.quote(name) + " at <" + node + ">: " + message);
    }
}
