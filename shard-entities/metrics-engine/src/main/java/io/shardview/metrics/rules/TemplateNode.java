package io.shardview.metrics.rules;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The parse tree of a template, as Go's text/template/parse builds it. pos is the node's offset in the text, which an
 * execution error reports as line:column; toString is Go's rendering of the node, which the error quotes.
 */
sealed interface TemplateNode {
    /** The node's offset in the template's text. */
    int pos();

    /** Literal text. */
    record Text(int pos, String text) implements TemplateNode {}

    /** {{pipeline}}: printed unless it declares variables. */
    record Action(int pos, Pipe pipe) implements TemplateNode {
        @Override
        public String toString() {
            return "{{" + pipe + "}}";
        }
    }

    /** The kind of a control structure. */
    enum ControlKind {
        IF,
        WITH,
        RANGE
    }

    /** {{if}}, {{with}} or {{range}} with its lists; elseList is null without {{else}}. */
    record Control(int pos, ControlKind kind, Pipe pipe, List<TemplateNode> list, List<TemplateNode> elseList)
            implements TemplateNode {}

    /** {{end}} or {{else}} while parsing: ends an item list, never in a finished tree. */
    record Delimiter(int pos, String word, int line) implements TemplateNode {
        @Override
        public String toString() {
            return "{{" + word + "}}";
        }
    }

    /** An operand of a command. */
    sealed interface Arg extends TemplateNode {}

    /** Declarations (or assignments) and commands separated by "|". */
    record Pipe(int pos, boolean isAssign, List<String> decl, List<Command> cmds) implements Arg {
        @Override
        public String toString() {
            String d = decl.isEmpty() ? "" : String.join(", ", decl) + (isAssign ? " = " : " := ");
            return d + cmds.stream().map(Command::toString).collect(Collectors.joining(" | "));
        }
    }

    /** A function or value with its arguments. */
    record Command(int pos, List<Arg> args) implements TemplateNode {
        @Override
        public String toString() {
            return args.stream()
                    .map(a -> a instanceof Pipe ? "(" + a + ")" : a.toString())
                    .collect(Collectors.joining(" "));
        }
    }

    /** .A.B: fields (or map keys) of dot. */
    record Field(int pos, List<String> idents) implements Arg {
        @Override
        public String toString() {
            return idents.stream().map(i -> "." + i).collect(Collectors.joining());
        }
    }

    /** $x.A.B: a variable, then fields; idents.get(0) is the variable's name with its "$". */
    record Variable(int pos, List<String> idents) implements Arg {
        @Override
        public String toString() {
            return String.join(".", idents);
        }
    }

    /** (pipeline).A.B: fields of a parenthesised pipeline's value. */
    record Chain(int pos, Arg node, List<String> fields) implements Arg {
        @Override
        public String toString() {
            String base = node instanceof Pipe ? "(" + node + ")" : node.toString();
            return base + fields.stream().map(f -> "." + f).collect(Collectors.joining());
        }
    }

    /** A function's name. */
    record Identifier(int pos, String name) implements Arg {
        @Override
        public String toString() {
            return name;
        }
    }

    /** The cursor, ".". */
    record Dot(int pos) implements Arg {
        @Override
        public String toString() {
            return ".";
        }
    }

    /** The untyped nil. */
    record Nil(int pos) implements Arg {
        @Override
        public String toString() {
            return "nil";
        }
    }

    /** true or false. */
    record Bool(int pos, boolean value) implements Arg {
        @Override
        public String toString() {
            return Boolean.toString(value);
        }
    }

    /** A number as written; value is a Long when Go reads it as an int, else a Double. */
    record Number(int pos, String text, Object value, boolean isFloat) implements Arg {
        @Override
        public String toString() {
            return text;
        }
    }

    /** A string literal: quoted as written, value unquoted. */
    record Str(int pos, String quoted, String value) implements Arg {
        @Override
        public String toString() {
            return quoted;
        }
    }
}
