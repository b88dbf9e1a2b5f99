package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;

/**
 * A LIKE pattern as PostgreSQL reads it: {@code %} any characters, {@code _} one character, the escape character
 * (backslash unless ESCAPE says otherwise; ESCAPE '' none) making the next one literal; the whole value must match.
 * Matched in O(value x pattern) time at worst (no backtracking blow-up), over characters, not UTF-16 units. ILIKE
 * compares lower-cased characters.
 */
public final class LikePattern {
    private static final int ANY_ONE = -1;
    private static final int ANY_MANY = -2;

    private final int[] tokens;
    private final boolean insensitive;

    private LikePattern(int[] tokens, boolean insensitive) {
        this.tokens = tokens;
        this.insensitive = insensitive;
    }

    /** The pattern; fails as PostgreSQL does on an escape of more than one character or a pattern ending in one. */
    public static LikePattern of(String pattern, String escape, boolean insensitive) {
        if (escape.codePointCount(0, escape.length()) > 1) {
            throw new EvaluationException("invalid escape string");
        }
        int escapeChar = escape.isEmpty() ? Integer.MIN_VALUE : escape.codePointAt(0);
        int[] cps = pattern.codePoints().toArray();
        int[] tokens = new int[cps.length];
        int n = 0;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == escapeChar) {
                if (++i == cps.length) throw new EvaluationException("LIKE pattern must not end with escape character");
                tokens[n++] = fold(cps[i], insensitive);
            } else if (c == '%') {
                if (n == 0 || tokens[n - 1] != ANY_MANY) tokens[n++] = ANY_MANY;
            } else if (c == '_') {
                tokens[n++] = ANY_ONE;
            } else {
                tokens[n++] = fold(c, insensitive);
            }
        }
        return new LikePattern(java.util.Arrays.copyOf(tokens, n), insensitive);
    }

    private static int fold(int c, boolean insensitive) {
        return insensitive ? Character.toLowerCase(c) : c;
    }

    /**
     * Whether the whole of {@code value} matches: the usual two-cursor wildcard match, which on a mismatch returns to
     * the last {@code %} and lets it take one more character.
     */
    public boolean matches(String value) {
        int[] text = value.codePoints().map(c -> fold(c, insensitive)).toArray();
        int t = 0;
        int p = 0;
        int star = -1;
        int starText = 0;
        while (t < text.length) {
            if (p < tokens.length && (tokens[p] == ANY_ONE || tokens[p] == text[t])) {
                t++;
                p++;
            } else if (p < tokens.length && tokens[p] == ANY_MANY) {
                star = p++;
                starText = t;
            } else if (star >= 0) {
                p = star + 1;
                t = ++starText;
            } else {
                return false;
            }
        }
        while (p < tokens.length && tokens[p] == ANY_MANY) p++;
        return p == tokens.length;
    }
}
