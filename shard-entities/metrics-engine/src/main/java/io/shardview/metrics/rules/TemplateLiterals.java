package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateLexer.Item;
import io.shardview.metrics.rules.TemplateLexer.Kind;
import java.math.BigInteger;
import java.util.function.Function;

/** Go's literals in actions: numbers (with Go's int-or-float reading) and quoted strings (strconv.Unquote). */
final class TemplateLiterals {
    private TemplateLiterals() {}

    /** A number or character constant; an integer too large for int64 is kept as text, an error when used. */
    static TemplateNode.Number number(Item t, Function<String, TemplateException> error) {
        String text = t.val();
        if (t.kind() == Kind.CHAR_CONSTANT) {
            String s = unquote("\"" + text.substring(1, text.length() - 1) + "\"", error);
            if (s.codePointCount(0, s.length()) != 1) throw error.apply("malformed character constant: " + text);
            return new TemplateNode.Number(t.pos(), text, (long) s.codePointAt(0), false);
        }
        if (text.endsWith("i"))
            throw error.apply("complex number " + text + " is not supported in alert templates here");
        String clean = text.replace("_", "");
        boolean negative = clean.startsWith("-");
        String unsigned = clean.startsWith("+") || negative ? clean.substring(1) : clean;
        boolean hex = unsigned.startsWith("0x") || unsigned.startsWith("0X");
        boolean floatSyntax = hex
                ? unsigned.contains("p") || unsigned.contains("P")
                : unsigned.contains(".") || unsigned.contains("e") || unsigned.contains("E");
        try {
            if (!floatSyntax) {
                BigInteger v = hex
                        ? new BigInteger(unsigned.substring(2), 16)
                        : unsigned.length() > 1 && unsigned.startsWith("0")
                                ? new BigInteger(unsigned.substring(1), 8)
                                : new BigInteger(unsigned);
                if (negative) v = v.negate();
                Object value = v.bitLength() < 64 ? (Object) v.longValue() : null;
                return new TemplateNode.Number(t.pos(), text, value, false);
            }
            double d = Double.parseDouble(clean);
            if (Double.isInfinite(d)) throw new NumberFormatException();
            return new TemplateNode.Number(t.pos(), text, d, true);
        } catch (NumberFormatException e) {
            throw error.apply("illegal number syntax: " + GoText.quote(text));
        }
    }

    /** strconv.Unquote of a "..." or `...` literal. */
    static String unquote(String q, Function<String, TemplateException> error) {
        if (q.startsWith("`")) return q.substring(1, q.length() - 1).replace("\r", "");
        StringBuilder b = new StringBuilder();
        for (int i = 1; i < q.length() - 1; i++) {
            char c = q.charAt(i);
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = q.charAt(++i);
            switch (e) {
                case 'a' -> b.append((char) 7);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'v' -> b.append((char) 11);
                case '\\', '"', '\'' -> b.append(e);
                case 'x', 'u', 'U' -> {
                    int len = e == 'x' ? 2 : e == 'u' ? 4 : 8;
                    if (i + len >= q.length()) throw error.apply("invalid syntax");
                    int cp = parseHex(q.substring(i + 1, i + 1 + len), error);
                    // \x is a byte in Go; above 0x7f it would make invalid UTF-8, which a Java string cannot hold.
                    if (e == 'x' && cp > 0x7f) throw error.apply("\\x escapes above \\x7f are not supported here");
                    if (!Character.isValidCodePoint(cp)) throw error.apply("invalid syntax");
                    b.appendCodePoint(cp);
                    i += len;
                }
                default -> {
                    if (e < '0' || e > '7' || i + 2 >= q.length()) throw error.apply("invalid syntax");
                    int cp = Integer.parseInt(q.substring(i, i + 3), 8);
                    if (cp > 0x7f) throw error.apply("octal escapes above \\177 are not supported here");
                    b.append((char) cp);
                    i += 2;
                }
            }
        }
        return b.toString();
    }

    private static int parseHex(String s, Function<String, TemplateException> error) {
        try {
            return Integer.parseUnsignedInt(s, 16);
        } catch (NumberFormatException e) {
            throw error.apply("invalid syntax");
        }
    }
}
