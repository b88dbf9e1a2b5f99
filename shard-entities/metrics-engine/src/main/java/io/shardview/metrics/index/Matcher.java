package io.shardview.metrics.index;

import com.google.re2j.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One label matcher of a PromQL selector ({@code name="v"}, {@code !=}, {@code =~}, {@code !~}).
 *
 * <p>Prometheus semantics: a series without the label is treated as having the empty value, so
 * {@code name=""} selects series lacking the label; regular expressions are fully anchored and
 * in RE2 syntax, run by RE2/J as Prometheus runs RE2: in time linear in the label value and without
 * recursion over it. java.util.regex backtracks recursively: {@code (a|b)*} over a 4 KiB label value
 * overflowed a dispatcher thread's stack, which Pekko treats as fatal and ends the JVM.
 */
public final class Matcher {
    /** The four matcher operators. */
    public enum Type {
        EQ("="),
        NEQ("!="),
        RE("=~"),
        NRE("!~");

        private final String symbol;

        Type(String symbol) {
            this.symbol = symbol;
        }

        /** As written in a selector: {@code =}, {@code !=}, {@code =~} or {@code !~}. */
        public String symbol() {
            return symbol;
        }
    }

    private final Type type;
    private final String name;
    private final String value;
    private final Pattern pattern; // null for EQ and NEQ

    private Matcher(Type type, String name, String value) {
        this.type = type;
        this.name = name;
        this.value = value;
        this.pattern = type == Type.RE || type == Type.NRE ? compile(value) : null;
    }

    /** The pattern, or java.util.regex's exception for one RE2 does not take (the API callers know). */
    public static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex, Pattern.DOTALL);
        } catch (com.google.re2j.PatternSyntaxException e) {
            throw new PatternSyntaxException(e.getDescription(), regex, e.getIndex());
        }
    }

    /** Creates a matcher; throws {@link PatternSyntaxException} for a bad regular expression. */
    public static Matcher of(Type type, String name, String value) {
        return new Matcher(type, name, value);
    }

    /** {@code name="value"}. */
    public static Matcher eq(String name, String value) {
        return new Matcher(Type.EQ, name, value);
    }

    /** {@code name!="value"}. */
    public static Matcher neq(String name, String value) {
        return new Matcher(Type.NEQ, name, value);
    }

    /** {@code name=~"regex"}. */
    public static Matcher re(String name, String regex) {
        return new Matcher(Type.RE, name, regex);
    }

    /** {@code name!~"regex"}. */
    public static Matcher nre(String name, String regex) {
        return new Matcher(Type.NRE, name, regex);
    }

    public Type type() {
        return type;
    }

    public String name() {
        return name;
    }

    public String value() {
        return value;
    }

    /** Whether a series whose label has {@code labelValue} ("" when absent) is selected. */
    public boolean matches(String labelValue) {
        return switch (type) {
            case EQ -> value.equals(labelValue);
            case NEQ -> !value.equals(labelValue);
            case RE -> pattern.matcher(labelValue).matches();
            case NRE -> !pattern.matcher(labelValue).matches();
        };
    }

    @Override
    public String toString() {
        return name + type.symbol + '"' + value + '"';
    }

    /** Matchers are equal when they have the same operator, label and value (the pattern follows from them). */
    @Override
    public boolean equals(Object o) {
        return o instanceof Matcher m && type == m.type && name.equals(m.name) && value.equals(m.value);
    }

    @Override
    public int hashCode() {
        return (type.hashCode() * 31 + name.hashCode()) * 31 + value.hashCode();
    }
}
