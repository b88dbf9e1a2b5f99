package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateValues.AlertData;
import io.shardview.metrics.rules.TemplateValues.GoMap;
import io.shardview.metrics.rules.TemplateValues.GoTime;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Go's fmt for template values: Sprint, Sprintln and Sprintf with the verbs alerts use (%v %s %d %f %e %g %q %x %t
 * %c %%, flags "-+ 0", width and precision). Misuse prints as Go prints it ("%!d(float64=1.5)", "%!d(MISSING)"), it
 * is not an error: that is what an annotation shows in Prometheus.
 */
final class GoFormat {
    private GoFormat() {}

    /** fmt.Sprint: a space between operands when neither side is a string. */
    static String sprint(List<Object> args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            boolean isString = TemplateValues.isStringKind(a);
            if (i > 0 && !isString && !TemplateValues.isStringKind(args.get(i - 1))) b.append(' ');
            b.append(value(a));
        }
        return b.toString();
    }

    /** fmt.Sprintln: operands always separated by a space, then a newline. */
    static String sprintln(List<Object> args) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < args.size(); i++) b.append(i > 0 ? " " : "").append(value(args.get(i)));
        return b.append('\n').toString();
    }

    /** %v of one value. */
    static String value(Object v) {
        return format(new Spec('v'), v);
    }

    /** The flags, width and precision of one directive. */
    private static final class Spec {
        final char verb;
        boolean minus, plus, space, zero, sharp;
        int width = -1, prec = -1;

        Spec(char verb) {
            this.verb = verb;
        }

        Spec(Spec s, char verb) {
            this(verb);
            minus = s.minus;
            plus = s.plus;
            space = s.space;
            zero = s.zero;
            sharp = s.sharp;
            width = s.width;
            prec = s.prec;
        }
    }

    /** fmt.Sprintf. */
    static String sprintf(String format, List<Object> args) {
        StringBuilder out = new StringBuilder();
        int argNum = 0;
        int i = 0;
        int n = format.length();
        while (i < n) {
            char c = format.charAt(i);
            if (c != '%') {
                out.append(c);
                i++;
                continue;
            }
            i++;
            Spec s = new Spec('?');
            for (; i < n; i++) {
                char f = format.charAt(i);
                if (f == '-') {
                    s.minus = true;
                    s.zero = false; // only zero-pad on the left
                } else if (f == '+') s.plus = true;
                else if (f == ' ') s.space = true;
                else if (f == '0') s.zero = !s.minus;
                else if (f == '#') s.sharp = true;
                else break;
            }
            int start = i;
            while (i < n && Character.isDigit(format.charAt(i))) i++;
            if (i > start) s.width = Integer.parseInt(format.substring(start, i));
            if (i < n && format.charAt(i) == '.') {
                i++;
                start = i;
                while (i < n && Character.isDigit(format.charAt(i))) i++;
                s.prec = i > start ? Integer.parseInt(format.substring(start, i)) : 0;
            }
            if (i >= n) {
                out.append("%!(NOVERB)");
                break;
            }
            int verb = format.codePointAt(i);
            i += Character.charCount(verb);
            if (verb == '%') {
                out.append('%');
                continue;
            }
            Spec spec = new Spec(s, verb < 0x10000 ? (char) verb : '?');
            if (argNum >= args.size()) {
                out.append("%!").appendCodePoint(verb).append("(MISSING)");
                continue;
            }
            out.append(format(spec, args.get(argNum++)));
        }
        if (argNum < args.size()) {
            out.append("%!(EXTRA ");
            for (int k = argNum; k < args.size(); k++) {
                Object a = args.get(k);
                out.append(k > argNum ? ", " : "")
                        .append(TemplateValues.typeName(a))
                        .append('=')
                        .append(value(a));
            }
            out.append(')');
        }
        return out.toString();
    }

    private static String format(Spec s, Object v) {
        char verb = s.verb;
        if (v == null) return verb == 'v' ? pad(s, "<nil>", false) : bad(s, v);
        if (v instanceof GoTime t && "vsqxX".indexOf(verb) >= 0) return format(s, t.toString());
        if (v instanceof Boolean b) return verb == 'v' || verb == 't' ? pad(s, b.toString(), false) : bad(s, v);
        if (v instanceof Long l) return integer(s, l, v);
        if (v instanceof Double d) return floating(s, d, v);
        if (TemplateValues.isStringKind(v)) return string(s, TemplateValues.stringOf(v), v);
        if (v instanceof GoMap m) {
            StringBuilder b = new StringBuilder("map[");
            boolean first = true;
            for (Map.Entry<String, Object> e : m.entries().entrySet()) {
                b.append(first ? "" : " ")
                        .append(format(s, e.getKey()))
                        .append(':')
                        .append(format(s, e.getValue()));
                first = false;
            }
            return b.append(']').toString();
        }
        if (v instanceof AlertData d) {
            return "{" + format(s, d.labels()) + " " + format(s, d.externalLabels()) + " " + format(s, d.externalURL())
                    + " " + format(s, d.value()) + "}";
        }
        return bad(s, v);
    }

    private static String integer(Spec s, long l, Object v) {
        String digits;
        switch (s.verb) {
            case 'v', 'd' -> digits = Long.toString(Math.abs(l));
            case 'x' -> digits = Long.toHexString(Math.abs(l));
            case 'X' -> digits = Long.toHexString(Math.abs(l)).toUpperCase();
            case 'o' -> digits = Long.toOctalString(Math.abs(l));
            case 'b' -> digits = Long.toBinaryString(Math.abs(l));
            case 'c' -> {
                return pad(s, new String(Character.toChars((int) l)), false);
            }
            case 'q' -> {
                return pad(s, "'" + new String(Character.toChars((int) l)) + "'", false);
            }
            default -> {
                return bad(s, v);
            }
        }
        if (l == Long.MIN_VALUE) digits = Long.toUnsignedString(l, s.verb == 'x' || s.verb == 'X' ? 16 : 10);
        if (s.prec >= 0) {
            if (s.prec == 0 && l == 0) digits = "";
            digits = "0".repeat(Math.max(0, s.prec - digits.length())) + digits;
        }
        String sign = l < 0 ? "-" : s.plus ? "+" : s.space ? " " : "";
        return padNumber(s, sign, digits, s.prec < 0);
    }

    private static String floating(Spec s, double d, Object v) {
        String body;
        switch (s.verb) {
            case 'v', 'g' -> body = GoFloat.format(d, 'g', s.prec);
            case 'G' -> body = GoFloat.format(d, 'g', s.prec).toUpperCase();
            case 'e' -> body = GoFloat.format(d, 'e', s.prec < 0 ? 6 : s.prec);
            case 'E' -> body = GoFloat.format(d, 'e', s.prec < 0 ? 6 : s.prec).toUpperCase();
            case 'f', 'F' -> body = GoFloat.format(d, 'f', s.prec < 0 ? 6 : s.prec);
            default -> {
                return bad(s, v);
            }
        }
        if (Double.isNaN(d)) return pad(s, s.plus ? "+NaN" : s.space ? " NaN" : "NaN", false);
        if (Double.isInfinite(d)) return pad(s, d > 0 && s.space && !s.plus ? " Inf" : body, false);
        String sign = body.startsWith("-") ? "-" : s.plus ? "+" : s.space ? " " : "";
        return padNumber(s, sign, body.startsWith("-") ? body.substring(1) : body, true);
    }

    private static String string(Spec s, String str, Object v) {
        switch (s.verb) {
            case 'v', 's' -> {
                if (s.prec >= 0 && str.codePointCount(0, str.length()) > s.prec) {
                    str = str.substring(0, str.offsetByCodePoints(0, s.prec));
                }
                return pad(s, str, s.zero);
            }
            case 'q' -> {
                return pad(s, GoText.quote(str), s.zero);
            }
            case 'x', 'X' -> {
                StringBuilder b = new StringBuilder();
                for (byte x : str.getBytes(StandardCharsets.UTF_8)) b.append(String.format("%02x", x & 0xff));
                return pad(s, s.verb == 'X' ? b.toString().toUpperCase() : b.toString(), s.zero);
            }
            default -> {
                return bad(s, v);
            }
        }
    }

    /** Go's %!verb(type=value) for a verb the operand's type has no meaning for. */
    private static String bad(Spec s, Object v) {
        String inner = v == null ? "<nil>" : TemplateValues.typeName(v) + "=" + value(v);
        return "%!" + s.verb + "(" + inner + ")";
    }

    private static String padNumber(Spec s, String sign, String digits, boolean zeroAllowed) {
        if (s.zero && zeroAllowed && s.width > 0) {
            int fill = s.width - sign.length() - digits.length();
            return sign + "0".repeat(Math.max(0, fill)) + digits;
        }
        return pad(s, sign + digits, false);
    }

    private static String pad(Spec s, String str, boolean zero) {
        int len = str.codePointCount(0, str.length());
        if (s.width <= len) return str;
        String fill = (zero && !s.minus ? "0" : " ").repeat(s.width - len);
        return s.minus ? str + fill : fill + str;
    }
}
