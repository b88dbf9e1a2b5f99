package io.shardview.circuit.sql;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * SQL text as tokens, for the rewrites made before Calcite parses a statement ({@link InfixCasts}, {@link
 * KeywordNames}): names, quoted names, numbers, string literals and symbols, each with where it is in the text;
 * blanks and comments are not tokens.
 */
final class SqlText {
    private SqlText() {}

    enum Kind {
        WORD,
        QUOTED,
        NUMBER,
        STRING,
        SYMBOL
    }

    /** A token and where it is in the text (comments and blanks are not tokens). */
    record Token(Kind kind, String text, int start, int end) {
        boolean is(String symbol) {
            return kind == Kind.SYMBOL && text.equals(symbol);
        }

        String lower() {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    static List<Token> tokens(String s) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        int n = s.length();
        while (i < n) {
            char c = s.charAt(i);
            int start = i;
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && s.charAt(i + 1) == '-') {
                while (i < n && s.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && s.charAt(i + 1) == '*') {
                int close = s.indexOf("*/", i + 2);
                i = close < 0 ? n : close + 2;
            } else if (c == '\'' || c == '"') {
                i++;
                while (i < n) {
                    if (s.charAt(i) == c) {
                        if (i + 1 < n && s.charAt(i + 1) == c) i += 2; // a doubled quote inside
                        else break;
                    } else i++;
                }
                i = Math.min(n, i + 1);
                out.add(new Token(c == '\'' ? Kind.STRING : Kind.QUOTED, s.substring(start, i), start, i));
            } else if (Character.isLetter(c) || c == '_') {
                while (i < n && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_' || s.charAt(i) == '$'))
                    i++;
                out.add(new Token(Kind.WORD, s.substring(start, i), start, i));
            } else if (Character.isDigit(c) || (c == '.' && i + 1 < n && Character.isDigit(s.charAt(i + 1)))) {
                while (i < n && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) i++;
                if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                    int e = i + 1;
                    if (e < n && (s.charAt(e) == '+' || s.charAt(e) == '-')) e++;
                    if (e < n && Character.isDigit(s.charAt(e))) {
                        i = e;
                        while (i < n && Character.isDigit(s.charAt(i))) i++;
                    }
                }
                out.add(new Token(Kind.NUMBER, s.substring(start, i), start, i));
            } else if (c == ':' && i + 1 < n && s.charAt(i + 1) == ':') {
                i += 2;
                out.add(new Token(Kind.SYMBOL, "::", start, i));
            } else {
                i++;
                out.add(new Token(Kind.SYMBOL, String.valueOf(c), start, i));
            }
        }
        return out;
    }
}
