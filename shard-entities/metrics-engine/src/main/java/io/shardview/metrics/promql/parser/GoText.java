package io.shardview.metrics.promql.parser;

/**
 * Go's {@code %q} and {@code %#U} renderings of strings and runes, so that parse errors read as Prometheus's do (clients
 * and people compare them with what Prometheus says); alert templates quote with them too.
 */
public final class GoText {
    private GoText() {}

    /** {@code %q} of a string: double quotes, Go escapes for what is not printable. */
    public static String quote(String s) {
        return quote(s, Integer.MAX_VALUE);
    }

    /** {@code %.Nq}: the first {@code maxRunes} code points of {@code s}, quoted. */
    static String quote(String s, int maxRunes) {
        StringBuilder out = new StringBuilder("\"");
        int runes = 0;
        for (int i = 0; i < s.length() && runes < maxRunes; runes++) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            if (cp == '"' || cp == '\\') {
                out.append('\\').appendCodePoint(cp);
            } else {
                appendRune(out, cp);
            }
        }
        return out.append('"').toString();
    }

    /** {@code %q} of a rune: {@code 'x'}, {@code '\n'}, {@code '\x00'}. */
    static String quoteRune(int cp) {
        StringBuilder out = new StringBuilder("'");
        if (cp == '\'' || cp == '\\') {
            out.append('\\').appendCodePoint(cp);
        } else {
            appendRune(out, cp);
        }
        return out.append('\'').toString();
    }

    /** {@code %#U} of a rune: {@code U+0063 'c'}, or {@code U+000A} for one that is not printable. */
    static String unicode(int cp) {
        String code = String.format("U+%04X", cp);
        return isPrint(cp) ? code + " '" + new String(Character.toChars(cp)) + "'" : code;
    }

    private static void appendRune(StringBuilder out, int cp) {
        switch (cp) {
            case 0x07 -> out.append("\\a");
            case '\b' -> out.append("\\b");
            case '\f' -> out.append("\\f");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            case 0x0B -> out.append("\\v");
            default -> {
                if (isPrint(cp)) {
                    out.appendCodePoint(cp);
                } else if (cp < 0x80) {
                    out.append(String.format("\\x%02x", cp));
                } else if (cp < 0x10000) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.append(String.format("\\U%08x", cp));
                }
            }
        }
    }

    /** Close to Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
    public static boolean isPrint(int cp) {
        if (cp == ' ') {
            return true;
        }
        return switch (Character.getType(cp)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED,
                    Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR,
                    Character.SPACE_SEPARATOR -> false;
            default -> true;
        };
    }
}
