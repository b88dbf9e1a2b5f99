package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateFunctions.Failure;
import io.shardview.metrics.rules.TemplateValues.GoMap;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Go text/template's builtin functions that need more than a line: comparison, index, len and the escapers. */
final class GoBuiltins {
    private GoBuiltins() {}

    private enum BasicKind {
        BOOL,
        INT,
        FLOAT,
        STRING
    }

    /** Go's basic kind of a value, or null for the others (nil, maps, structs, pointers). */
    private static BasicKind kind(Object v) {
        if (v instanceof Boolean) return BasicKind.BOOL;
        if (v instanceof Long) return BasicKind.INT;
        if (v instanceof Double) return BasicKind.FLOAT;
        if (TemplateValues.isStringKind(v)) return BasicKind.STRING;
        return null;
    }

    /** eq a b c...: a == b || a == c ...; values of different basic kinds are an error, nil equals only nil. */
    static boolean eq(Object a, List<Object> others) {
        if (others.isEmpty()) throw new Failure("missing argument for comparison");
        BasicKind k1 = kind(a);
        for (Object b : others) {
            BasicKind k2 = kind(b);
            boolean truth;
            if (k1 != k2) {
                if (a != null && b != null) throw new Failure("incompatible types for comparison");
                truth = false;
            } else if (k1 == null) {
                if (a != null && b != null) {
                    throw new Failure("non-comparable type " + GoFormat.value(b) + ": " + TemplateValues.typeName(b));
                }
                truth = a == b;
            } else {
                truth = switch (k1) {
                    case BOOL, INT -> a.equals(b);
                    case FLOAT -> (double) (Double) a == (double) (Double) b;
                    case STRING -> TemplateValues.stringOf(a).equals(TemplateValues.stringOf(b));
                };
            }
            if (truth) return true;
        }
        return false;
    }

    /** lt a b: ordered basic kinds only, both of the same kind. */
    static boolean lt(Object a, Object b) {
        BasicKind k1 = kind(a);
        BasicKind k2 = kind(b);
        if (k1 == null || k2 == null) throw new Failure("invalid type for comparison");
        if (k1 != k2) throw new Failure("incompatible types for comparison");
        return switch (k1) {
            case BOOL -> throw new Failure("invalid type for comparison");
            case INT -> (Long) a < (Long) b;
            case FLOAT -> (Double) a < (Double) b;
            case STRING -> compareGo(TemplateValues.stringOf(a), TemplateValues.stringOf(b)) < 0;
        };
    }

    /** Go compares strings by UTF-8 bytes, which is code-point order. */
    private static int compareGo(String x, String y) {
        int i = 0;
        int j = 0;
        while (i < x.length() && j < y.length()) {
            int cx = x.codePointAt(i);
            int cy = y.codePointAt(j);
            if (cx != cy) return Integer.compare(cx, cy);
            i += Character.charCount(cx);
            j += Character.charCount(cy);
        }
        return Integer.compare(x.length() - i, y.length() - j);
    }

    /** len: bytes of a string, entries of a map. */
    static long length(Object v) {
        if (v == null) throw new Failure("reflect: call of reflect.Value.Type on zero Value");
        if (TemplateValues.isStringKind(v)) return TemplateValues.stringOf(v).getBytes(StandardCharsets.UTF_8).length;
        if (v instanceof GoMap m) return m.entries().size();
        if (v instanceof TemplateValues.GoTime) throw new Failure("len of type time.Time");
        throw new Failure("len of type " + TemplateValues.typeName(v));
    }

    /** index m k...: a missing key gives the zero value of the map's values. */
    static Object index(Object item, List<Object> keys) {
        if (item == null) throw new Failure("index of untyped nil");
        for (Object key : keys) {
            if (item instanceof GoMap m) {
                if (key == null) {
                    throw new Failure("value is nil; should be of type string");
                }
                if (!(key instanceof String k)) {
                    throw new Failure("value has type " + TemplateValues.typeName(key) + "; should be string");
                }
                item = m.entries().containsKey(k) ? m.entries().get(k) : m.stringValued() ? "" : null;
                if (item == null) return null;
            } else if (TemplateValues.isStringKind(item)) {
                byte[] bytes = TemplateValues.stringOf(item).getBytes(StandardCharsets.UTF_8);
                if (key == null) throw new Failure("cannot index slice/array with nil");
                if (!(key instanceof Long x)) {
                    throw new Failure("cannot index slice/array with type " + TemplateValues.typeName(key));
                }
                if (x < 0 || x >= bytes.length) throw new Failure("index out of range: " + x);
                item = (long) (bytes[(int) (long) x] & 0xff);
            } else {
                throw new Failure("can't index item of type " + TemplateValues.typeName(item));
            }
        }
        return item;
    }

    /** The text html, js and urlquery escape: one string as is, else fmt.Sprint of the arguments. */
    static String evalArgs(List<Object> args) {
        if (args.size() == 1 && args.get(0) instanceof String s) return s;
        return GoFormat.sprint(args);
    }

    /** template.HTMLEscapeString. */
    static String htmlEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("&#34;");
                case '\'' -> b.append("&#39;");
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case 0 -> b.append("\uFFFD");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** template.JSEscapeString. */
    static String jsEscape(String s) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> {
            switch (cp) {
                case '\\' -> b.append("\\\\");
                case '\'' -> b.append("\\'");
                case '"' -> b.append("\\\"");
                case '<' -> b.append("\\u003C");
                case '>' -> b.append("\\u003E");
                case '&' -> b.append("\\u0026");
                case '=' -> b.append("\\u003D");
                default -> {
                    if (cp < ' ') b.append(String.format("\\u%04X", cp));
                    else if (cp >= 0x80 && !GoText.isPrint(cp)) b.append(String.format("\\u%04X", cp));
                    else b.appendCodePoint(cp);
                }
            }
        });
        return b.toString();
    }

    /** url.QueryEscape: unreserved bytes kept, space as "+", the rest %XX. */
    static String queryEscape(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-_.~".indexOf(c) >= 0) {
                b.append((char) c);
            } else if (c == ' ') {
                b.append('+');
            } else {
                b.append('%').append(String.format("%02X", c));
            }
        }
        return b.toString();
    }
}
