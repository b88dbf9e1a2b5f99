package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateLexer.Item;
import io.shardview.metrics.rules.TemplateLexer.Kind;
import io.shardview.metrics.rules.TemplateNode.Arg;
import io.shardview.metrics.rules.TemplateNode.Command;
import io.shardview.metrics.rules.TemplateNode.ControlKind;
import io.shardview.metrics.rules.TemplateNode.Delimiter;
import io.shardview.metrics.rules.TemplateNode.Pipe;
import java.util.ArrayList;
import java.util.List;

/**
 * Go text/template's recursive-descent parser over {@link TemplateLexer}'s items, with its error messages ("template:
 * NAME:LINE: MSG"). Functions are checked by name at parse time, as Go does; what this node cannot run (the query
 * functions, {{template}}, {{define}}, {{block}}, break, continue) is refused here too.
 */
final class TemplateParser {
    private final String name;
    private final List<Item> items;
    private int next;
    private Item current;
    private final List<String> vars = new ArrayList<>(List.of("$"));

    private TemplateParser(String name, String text) {
        this.name = name;
        this.items = TemplateLexer.lex(text);
    }

    /** The top-level list of nodes of text, or a TemplateException. */
    static List<TemplateNode> parse(String name, String text) {
        TemplateParser p = new TemplateParser(name, text);
        List<TemplateNode> root = new ArrayList<>();
        while (p.peek().kind() != Kind.EOF) {
            TemplateNode n = p.textOrAction();
            if (n instanceof Delimiter d) throw p.error("unexpected " + d);
            root.add(n);
        }
        return root;
    }

    private List<TemplateNode> itemList(Delimiter[] end) {
        List<TemplateNode> list = new ArrayList<>();
        while (peekNonSpace().kind() != Kind.EOF) {
            TemplateNode n = textOrAction();
            if (n instanceof Delimiter d) {
                end[0] = d;
                return list;
            }
            list.add(n);
        }
        throw error("unexpected EOF");
    }

    private TemplateNode textOrAction() {
        Item t = nextNonSpace();
        if (t.kind() == Kind.TEXT) return new TemplateNode.Text(t.pos(), t.val());
        if (t.kind() == Kind.LEFT_DELIM) return action();
        throw unexpected(t, "input");
    }

    private TemplateNode action() {
        Item t = nextNonSpace();
        if (t.kind() == Kind.KEYWORD) {
            switch (t.val()) {
                case "if":
                    return control(ControlKind.IF, true, "if");
                case "with":
                    return control(ControlKind.WITH, false, "with");
                case "range":
                    return control(ControlKind.RANGE, false, "range");
                case "end":
                    return new Delimiter(expect(Kind.RIGHT_DELIM, "end").pos(), "end", t.line());
                case "else":
                    Item peek = peekNonSpace();
                    if (peek.kind() == Kind.KEYWORD && peek.val().equals("if")) {
                        return new Delimiter(peek.pos(), "else", peek.line());
                    }
                    return new Delimiter(expect(Kind.RIGHT_DELIM, "else").pos(), "else", t.line());
                default:
                    throw error("{{" + t.val() + "}} is not supported in alert templates here");
            }
        }
        backup();
        int pos = peek().pos();
        return new TemplateNode.Action(pos, pipeline("command"));
    }

    private TemplateNode control(ControlKind kind, boolean allowElseIf, String context) {
        int mark = vars.size();
        try {
            Pipe pipe = pipeline(context);
            Delimiter[] end = new Delimiter[1];
            List<TemplateNode> list = itemList(end);
            List<TemplateNode> elseList = null;
            if (end[0].word().equals("else")) {
                if (allowElseIf && peek().kind() == Kind.KEYWORD && peek().val().equals("if")) {
                    // {{else if b}} is {{else}}{{if b}}..{{end}}{{end}} with the outer {{end}} implied.
                    next();
                    elseList = List.of(control(ControlKind.IF, true, "if"));
                } else {
                    elseList = itemList(end);
                    if (!end[0].word().equals("end")) throw error("expected end; found " + end[0]);
                }
            }
            return new TemplateNode.Control(pipe.pos(), kind, pipe, list, elseList);
        } finally {
            while (vars.size() > mark) vars.remove(vars.size() - 1);
        }
    }

    private Pipe pipeline(String context) {
        int pos = peekNonSpace().pos();
        List<String> decl = new ArrayList<>();
        boolean isAssign = false;
        Item v = peekNonSpace();
        if (v.kind() == Kind.VARIABLE) {
            int save = next;
            Item saveCurrent = current;
            nextNonSpace();
            Item after = peekNonSpace();
            if (after.kind() == Kind.ASSIGN || after.kind() == Kind.DECLARE) {
                isAssign = after.kind() == Kind.ASSIGN;
                nextNonSpace();
                decl.add(v.val());
                vars.add(v.val());
            } else if (after.kind() == Kind.CHAR && after.val().equals(",")) {
                nextNonSpace();
                decl.add(v.val());
                vars.add(v.val());
                if (!context.equals("range")) throw error("too many declarations in " + context);
                Item second = nextNonSpace();
                Item op = second.kind() == Kind.VARIABLE ? nextNonSpace() : second;
                if (second.kind() != Kind.VARIABLE || (op.kind() != Kind.DECLARE && op.kind() != Kind.ASSIGN)) {
                    throw error("range can only initialize variables");
                }
                isAssign = op.kind() == Kind.ASSIGN;
                decl.add(second.val());
                vars.add(second.val());
            } else {
                next = save;
                current = saveCurrent;
            }
        }
        List<Command> cmds = new ArrayList<>();
        while (true) {
            Item t = nextNonSpace();
            switch (t.kind()) {
                case RIGHT_DELIM, RIGHT_PAREN -> {
                    checkPipeline(cmds, context);
                    if (t.kind() == Kind.RIGHT_PAREN) backup();
                    return new Pipe(pos, isAssign, decl, cmds);
                }
                case BOOL,
                        CHAR_CONSTANT,
                        DOT,
                        FIELD,
                        IDENTIFIER,
                        NUMBER,
                        NIL,
                        RAW_STRING,
                        STRING,
                        VARIABLE,
                        LEFT_PAREN -> {
                    backup();
                    cmds.add(command());
                }
                default -> throw unexpected(t, context);
            }
        }
    }

    private void checkPipeline(List<Command> cmds, String context) {
        if (cmds.isEmpty()) throw error("missing value for " + context);
        for (int i = 1; i < cmds.size(); i++) {
            Arg first = cmds.get(i).args().get(0);
            if (first instanceof TemplateNode.Bool
                    || first instanceof TemplateNode.Dot
                    || first instanceof TemplateNode.Nil
                    || first instanceof TemplateNode.Number
                    || first instanceof TemplateNode.Str) {
                throw error("non executable command in pipeline stage " + (i + 1));
            }
        }
    }

    private Command command() {
        int pos = peekNonSpace().pos();
        List<Arg> args = new ArrayList<>();
        while (true) {
            peekNonSpace();
            Arg operand = operand();
            if (operand != null) args.add(operand);
            Item t = next();
            if (t.kind() == Kind.SPACE) continue;
            if (t.kind() == Kind.ERROR) throw error(t.val());
            if (t.kind() == Kind.RIGHT_DELIM || t.kind() == Kind.RIGHT_PAREN) backup();
            else if (t.kind() != Kind.PIPE) throw error("unexpected " + t + " in operand");
            break;
        }
        if (args.isEmpty()) throw error("empty command");
        return new Command(pos, args);
    }

    private Arg operand() {
        Arg node = term();
        if (node == null || peek().kind() != Kind.FIELD) return node;
        int pos = peek().pos();
        List<String> fields = new ArrayList<>();
        while (peek().kind() == Kind.FIELD) fields.add(next().val().substring(1));
        if (node instanceof TemplateNode.Field f) {
            List<String> all = new ArrayList<>(f.idents());
            all.addAll(fields);
            return new TemplateNode.Field(pos, all);
        }
        if (node instanceof TemplateNode.Variable v) {
            List<String> all = new ArrayList<>(v.idents());
            all.addAll(fields);
            return new TemplateNode.Variable(pos, all);
        }
        if (node instanceof TemplateNode.Bool
                || node instanceof TemplateNode.Str
                || node instanceof TemplateNode.Number
                || node instanceof TemplateNode.Nil
                || node instanceof TemplateNode.Dot) {
            throw error("unexpected . after term " + GoText.quote(node.toString()));
        }
        return new TemplateNode.Chain(pos, node, fields);
    }

    private Arg term() {
        Item t = nextNonSpace();
        switch (t.kind()) {
            case ERROR:
                throw error(t.val());
            case IDENTIFIER:
                TemplateFunctions.checkDefined(t.val(), this::error);
                return new TemplateNode.Identifier(t.pos(), t.val());
            case DOT:
                return new TemplateNode.Dot(t.pos());
            case NIL:
                return new TemplateNode.Nil(t.pos());
            case VARIABLE:
                String var =
                        t.val().contains(".") ? t.val().substring(0, t.val().indexOf('.')) : t.val();
                if (!vars.contains(var)) throw error("undefined variable " + GoText.quote(var));
                return new TemplateNode.Variable(t.pos(), List.of(t.val()));
            case FIELD:
                return new TemplateNode.Field(t.pos(), List.of(t.val().substring(1)));
            case BOOL:
                return new TemplateNode.Bool(t.pos(), t.val().equals("true"));
            case NUMBER:
            case CHAR_CONSTANT:
                return TemplateLiterals.number(t, this::error);
            case LEFT_PAREN:
                Pipe pipe = pipeline("parenthesized pipeline");
                Item close = next();
                if (close.kind() != Kind.RIGHT_PAREN) throw error("unclosed right paren: unexpected " + close);
                return pipe;
            case STRING:
            case RAW_STRING:
                return new TemplateNode.Str(t.pos(), t.val(), TemplateLiterals.unquote(t.val(), this::error));
            default:
                backup();
                return null;
        }
    }

    private Item expect(Kind kind, String context) {
        Item t = nextNonSpace();
        if (t.kind() != kind) throw unexpected(t, context);
        return t;
    }

    private TemplateException unexpected(Item t, String context) {
        if (t.kind() == Kind.ERROR) return error(t.val());
        return error("unexpected " + t + " in " + context);
    }

    /** Go's parse error: "template: NAME:LINE: MSG", LINE being the line of the last item read. */
    TemplateException error(String message) {
        int line = current == null ? 1 : current.line();
        return new TemplateException("template: " + name + ":" + line + ": " + message);
    }

    private Item next() {
        current = items.get(Math.min(next, items.size() - 1));
        if (next < items.size()) next++;
        return current;
    }

    private void backup() {
        next--;
    }

    private Item peek() {
        return items.get(Math.min(next, items.size() - 1));
    }

    private Item nextNonSpace() {
        Item t;
        do {
            t = next();
        } while (t.kind() == Kind.SPACE);
        return t;
    }

    private Item peekNonSpace() {
        Item t = nextNonSpace();
        backup();
        return t;
    }
}
