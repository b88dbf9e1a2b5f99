package io.shardview.http.metrics;

import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import io.shardview.metrics.index.Matcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * A Prometheus series selector as {@code match[]} takes it: {@code name{label="v", l2=~"re", ...}}
 * or {@code {...}} alone, regular expressions in RE2 syntax (as the shards run them). Values are quoted with " or ' and unescape \\, \", \' and \n. At least one
 * matcher must not match the empty string, as Prometheus requires, so a selector cannot pick every
 * series by accident.
 */
final class SeriesSelector {
    private final String text;
    private int pos;

    private SeriesSelector(String text) {
        this.text = text;
    }

    /** The selector's matchers, or IllegalArgumentException naming what is wrong. */
    static List<MatcherSpec> parse(String text) {
        return new SeriesSelector(text.trim()).parseSelector();
    }

    private List<MatcherSpec> parseSelector() {
        List<MatcherSpec> matchers = new ArrayList<>();
        String name = identifier(true);
        if (!name.isEmpty()) matchers.add(new MatcherSpec("=", "__name__", name));
        skipSpaces();
        if (pos < text.length() && text.charAt(pos) == '{') {
            pos++;
            while (true) {
                skipSpaces();
                if (peek() == '}') {
                    pos++;
                    break;
                }
                String label = identifier(false);
                if (label.isEmpty())
                    throw new IllegalArgumentException("expected a label name at position " + pos + " of " + text);
                skipSpaces();
                String op = operator();
                skipSpaces();
                String value = quoted();
                if (op.endsWith("~")) checkRegex(label, op, value);
                matchers.add(new MatcherSpec(op, label, value));
                skipSpaces();
                if (peek() == ',') pos++;
                else if (peek() != '}')
                    throw new IllegalArgumentException("expected , or } at position " + pos + " of " + text);
            }
        }
        skipSpaces();
        if (pos != text.length())
            throw new IllegalArgumentException("unexpected text at position " + pos + " of " + text);
        if (matchers.stream().allMatch(SeriesSelector::matchesEmpty)) {
            throw new IllegalArgumentException(
                    "the selector " + text + " must contain a matcher that does not match the empty string");
        }
        return matchers;
    }

    private static boolean matchesEmpty(MatcherSpec m) {
        return switch (m.type()) {
            case "=" -> m.value().isEmpty();
            case "!=" -> !m.value().isEmpty();
            case "=~" -> Matcher.compile(m.value()).matcher("").matches();
            default -> !Matcher.compile(m.value()).matcher("").matches();
        };
    }

    /** A bad regular expression is named with what is wrong and where, in one line. */
    private static void checkRegex(String label, String op, String regex) {
        try {
            Matcher.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException("invalid regular expression in " + label + op + ": " + e.getDescription()
                    + (e.getIndex() >= 0 ? " at position " + e.getIndex() : ""));
        }
    }

    private String operator() {
        for (String op : new String[] {"=~", "!~", "!=", "="}) {
            if (text.startsWith(op, pos)) {
                pos += op.length();
                return op;
            }
        }
        throw new IllegalArgumentException("expected = != =~ or !~ at position " + pos + " of " + text);
    }

    private String quoted() {
        char quote = peek();
        if (quote != '"' && quote != '\'')
            throw new IllegalArgumentException("expected a quoted value at position " + pos + " of " + text);
        pos++;
        StringBuilder value = new StringBuilder();
        while (pos < text.length()) {
            char c = text.charAt(pos++);
            if (c == quote) return value.toString();
            if (c == '\\' && pos < text.length()) {
                char e = text.charAt(pos++);
                value.append(e == 'n' ? '\n' : e);
            } else {
                value.append(c);
            }
        }
        throw new IllegalArgumentException("unterminated value in " + text);
    }

    private String identifier(boolean metric) {
        int start = pos;
        while (pos < text.length()) {
            char c = text.charAt(pos);
            boolean ok =
                    Character.isLetter(c) || c == '_' || (metric && c == ':') || (pos > start && Character.isDigit(c));
            if (!ok) break;
            pos++;
        }
        return text.substring(start, pos);
    }

    private char peek() {
        return pos < text.length() ? text.charAt(pos) : '\0';
    }

    private void skipSpaces() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }
}
