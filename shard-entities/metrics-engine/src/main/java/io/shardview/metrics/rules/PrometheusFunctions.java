package io.shardview.metrics.rules;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.shardview.metrics.promql.parser.GoText;
import io.shardview.metrics.rules.TemplateFunctions.Failure;
import io.shardview.metrics.rules.TemplateValues.GoTime;
import java.util.List;

/** Prometheus's template functions (template/template.go of v2.42) with more than a line of logic. */
final class PrometheusFunctions {
    private PrometheusFunctions() {}

    private static final String[] BIG = {"k", "M", "G", "T", "P", "E", "Z", "Y"};
    private static final String[] SMALL = {"m", "u", "n", "p", "f", "a", "z", "y"};
    private static final String[] BINARY = {"ki", "Mi", "Gi", "Ti", "Pi", "Ei", "Zi", "Yi"};
    private static final java.util.regex.Pattern GO_FLOAT =
            java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");
    private static final java.util.regex.Pattern DURATION = java.util.regex.Pattern.compile(
            "(?:(\\d+)y)?(?:(\\d+)w)?(?:(\\d+)d)?(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?(?:(\\d+)ms)?");

    /** convertToFloat: float64, int, or a string strconv.ParseFloat reads. */
    static double toFloat(Object v) {
        if (v instanceof Double d) return d;
        if (v instanceof Long l) return l;
        if (v instanceof String s) return parseFloat(s);
        throw new Failure("can't convert " + TemplateValues.typeName(v) + " to float");
    }

    private static double parseFloat(String s) {
        String l = s.toLowerCase().replaceFirst("^[+]", "");
        if (l.equals("inf") || l.equals("infinity")) return Double.POSITIVE_INFINITY;
        if (l.equals("-inf") || l.equals("-infinity")) return Double.NEGATIVE_INFINITY;
        if (l.equals("nan")) return Double.NaN;
        if (!GO_FLOAT.matcher(s).matches()) {
            throw new Failure("strconv.ParseFloat: parsing " + GoText.quote(s) + ": invalid syntax");
        }
        double d = Double.parseDouble(s);
        if (Double.isInfinite(d)) {
            throw new Failure("strconv.ParseFloat: parsing " + GoText.quote(s) + ": value out of range");
        }
        return d;
    }

    private static String g4(double v, String suffix) {
        return GoFormat.sprintf("%.4g", List.of(v)) + suffix;
    }

    static String humanize(Object arg) {
        double v = toFloat(arg);
        if (v == 0 || Double.isNaN(v) || Double.isInfinite(v)) return g4(v, "");
        String prefix = "";
        if (Math.abs(v) >= 1) {
            for (String p : BIG) {
                if (Math.abs(v) < 1000) break;
                prefix = p;
                v /= 1000;
            }
            return g4(v, prefix);
        }
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) break;
            prefix = p;
            v *= 1000;
        }
        return g4(v, prefix);
    }

    static String humanize1024(Object arg) {
        double v = toFloat(arg);
        if (Math.abs(v) <= 1 || Double.isNaN(v) || Double.isInfinite(v)) return g4(v, "");
        String prefix = "";
        for (String p : BINARY) {
            if (Math.abs(v) < 1024) break;
            prefix = p;
            v /= 1024;
        }
        return g4(v, prefix);
    }

    static String humanizeDuration(Object arg) {
        double v = toFloat(arg);
        if (Double.isNaN(v) || Double.isInfinite(v)) return g4(v, "");
        if (v == 0) return g4(v, "s");
        if (Math.abs(v) >= 1) {
            String sign = v < 0 ? "-" : "";
            v = Math.abs(v);
            long duration = (long) v;
            long seconds = duration % 60;
            long minutes = duration / 60 % 60;
            long hours = duration / 60 / 60 % 24;
            long days = duration / 60 / 60 / 24;
            // From days down to minutes, seconds show as an integer.
            if (days != 0) return sign + days + "d " + hours + "h " + minutes + "m " + seconds + "s";
            if (hours != 0) return sign + hours + "h " + minutes + "m " + seconds + "s";
            if (minutes != 0) return sign + minutes + "m " + seconds + "s";
            return sign + g4(v, "s");
        }
        String prefix = "";
        for (String p : SMALL) {
            if (Math.abs(v) >= 1) break;
            prefix = p;
            v *= 1000;
        }
        return g4(v, prefix + "s");
    }

    static String humanizeTimestamp(Object arg) {
        double v = toFloat(arg);
        if (Double.isNaN(v) || Double.isInfinite(v)) return g4(v, "");
        return toTime(v).toString();
    }

    /** floatToTime: seconds to a time kept in milliseconds (truncated), as model.Time keeps it. */
    static GoTime toTime(Object arg) {
        double v = toFloat(arg);
        if (Double.isNaN(v) || Double.isInfinite(v)) throw new Failure("value is NaN or Inf");
        double nanos = v * 1e9;
        if (nanos > (double) Long.MAX_VALUE || nanos < (double) Long.MIN_VALUE) {
            throw new Failure(
                    GoFormat.value(v) + " cannot be represented as a nanoseconds timestamp since it overflows int64");
        }
        return new GoTime((long) nanos / 1_000_000L);
    }

    /** model.ParseDuration in seconds. */
    static double parseDuration(String d) {
        if (d.isEmpty()) throw new Failure("empty duration string");
        if (d.equals("0")) return 0;
        java.util.regex.Matcher m = DURATION.matcher(d);
        if (!m.matches()) throw new Failure("not a valid duration string: " + GoText.quote(d));
        long[] unitsMs = {365L * 24 * 3600_000, 7L * 24 * 3600_000, 24L * 3600_000, 3600_000, 60_000, 1000, 1};
        double ms = 0;
        for (int i = 0; i < unitsMs.length; i++) {
            if (m.group(i + 1) != null) ms += Double.parseDouble(m.group(i + 1)) * unitsMs[i];
        }
        return ms / 1000;
    }

    static boolean match(String pattern, String text) {
        try {
            return Pattern.compile(pattern).matcher(text).find();
        } catch (PatternSyntaxException e) {
            throw new Failure(e.getMessage());
        }
    }

    /** regexp.ReplaceAllString: Go's $1, ${1}, $name and $$ in repl; an empty match right after a match is skipped. */
    static String reReplaceAll(String pattern, String repl, String text) {
        Pattern re;
        try {
            re = Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            String q = pattern.contains("`") ? GoText.quote(pattern) : "`" + pattern + "`";
            throw new Failure("regexp: Compile(" + q + "): " + e.getMessage());
        }
        Matcher m = re.matcher(text);
        StringBuilder out = new StringBuilder();
        int copied = 0;
        int prevEnd = -1;
        int from = 0;
        while (from <= text.length() && m.find(from)) {
            int s = m.start();
            int e = m.end();
            if (e == s && s == prevEnd) {
                if (s >= text.length()) break;
                from = s + Character.charCount(text.codePointAt(s));
                continue;
            }
            out.append(text, copied, s);
            expand(out, repl, m, re);
            copied = e;
            prevEnd = e;
            from = e > s ? e : e + (e < text.length() ? Character.charCount(text.codePointAt(e)) : 1);
        }
        return out.append(text.substring(Math.min(copied, text.length()))).toString();
    }

    private static void expand(StringBuilder out, String repl, Matcher m, Pattern re) {
        int i = 0;
        while (i < repl.length()) {
            char c = repl.charAt(i);
            if (c != '$' || i + 1 >= repl.length()) {
                out.append(c);
                i++;
                continue;
            }
            if (repl.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            int nameStart;
            int nameEnd;
            int after;
            if (repl.charAt(i + 1) == '{') {
                nameStart = i + 2;
                nameEnd = repl.indexOf('}', nameStart);
                after = nameEnd + 1;
                if (nameEnd < 0 || nameEnd == nameStart || !isName(repl.substring(nameStart, nameEnd))) {
                    out.append(c);
                    i++;
                    continue;
                }
            } else {
                nameStart = i + 1;
                nameEnd = nameStart;
                while (nameEnd < repl.length() && TemplateLexer.isAlphaNumeric(repl.charAt(nameEnd))) nameEnd++;
                after = nameEnd;
                if (nameEnd == nameStart) {
                    out.append(c);
                    i++;
                    continue;
                }
            }
            out.append(group(m, re, repl.substring(nameStart, nameEnd)));
            i = after;
        }
    }

    private static boolean isName(String s) {
        return s.chars().allMatch(ch -> TemplateLexer.isAlphaNumeric((char) ch));
    }

    /** A group by number or name; one that does not exist or did not match expands to "". */
    private static String group(Matcher m, Pattern re, String name) {
        String value = null;
        if (name.chars().allMatch(Character::isDigit)) {
            try {
                int n = Integer.parseInt(name);
                if (n <= m.groupCount()) value = m.group(n);
            } catch (NumberFormatException ignored) {
                value = null;
            }
        } else if (re.namedGroups().containsKey(name)) {
            value = m.group(name);
        }
        return value == null ? "" : value;
    }

    /** strings.Title: the first letter of each word in title case; words are split at spaces and ASCII punctuation. */
    static String title(String s) {
        StringBuilder b = new StringBuilder();
        int prev = ' ';
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            b.appendCodePoint(isSeparator(prev) ? Character.toTitleCase(cp) : cp);
            prev = cp;
            i += Character.charCount(cp);
        }
        return b.toString();
    }

    private static boolean isSeparator(int r) {
        if (r <= 0x7F) {
            return !(Character.isLetterOrDigit(r) || r == '_');
        }
        if (Character.isLetterOrDigit(r)) return false;
        return Character.isWhitespace(r) || Character.isSpaceChar(r);
    }

    /** strings.ToUpper / ToLower: rune by rune, so "ß" stays one rune as in Go. */
    static String mapCodePoints(String s, boolean upper) {
        StringBuilder b = new StringBuilder();
        s.codePoints().forEach(cp -> b.appendCodePoint(upper ? Character.toUpperCase(cp) : Character.toLowerCase(cp)));
        return b.toString();
    }

    static String stripPort(String hostPort) {
        String[] hp = splitHostPort(hostPort);
        return hp == null ? hostPort : hp[0];
    }

    static String stripDomain(String hostPort) {
        String[] hp = splitHostPort(hostPort);
        String host = hp == null ? hostPort : hp[0];
        String port = hp == null ? "" : hp[1];
        if (isIp(host)) return hostPort;
        host = host.split("\\.", -1)[0];
        if (port.isEmpty()) return host;
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** net.SplitHostPort, or null where it returns an error. */
    private static String[] splitHostPort(String hp) {
        int i = hp.lastIndexOf(':');
        if (i < 0) return null;
        String host;
        if (hp.startsWith("[")) {
            int end = hp.indexOf(']');
            if (end < 0 || end + 1 != i) return null;
            host = hp.substring(1, end);
            if (host.contains("[")) return null;
        } else {
            host = hp.substring(0, i);
            if (host.contains(":") || host.contains("[") || host.contains("]")) return null;
        }
        String port = hp.substring(i + 1);
        if (port.contains("]")) return null;
        return new String[] {host, port};
    }

    /** net.ParseIP succeeds: dotted IPv4 (no leading zeros) or IPv6. */
    private static boolean isIp(String h) {
        if (h.matches("((25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)\\.){3}(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)"))
            return true;
        if (!h.contains(":") || !h.matches("[0-9a-fA-F:.]+")) return false;
        try {
            return java.net.InetAddress.getByName("[" + h + "]") != null;
        } catch (java.net.UnknownHostException e) {
            return false;
        }
    }
}
