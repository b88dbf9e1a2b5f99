package io.shardview.metrics.promql.parser;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Go's escape sequences in quoted PromQL strings: {@code \a \b \f \n \r \t \v \\}, the string's own quote,
 * {@code \ooo} and {@code \xHH} (one byte each, so that several may spell one UTF-8 character), and backslash-u with 4 or
 * backslash-U with 8 hexadecimal digits. Values are collected as UTF-8 bytes as Go builds them.
 */
final class StringEscapes {
    private StringEscapes() {}

    /**
     * Reads one escape sequence, the backslash already consumed, and appends its bytes to {@code value}. Errors are at
     * {@code stringStart}, where Prometheus reports them.
     */
    static void read(PromqlLexer lexer, int stringStart, int quote, ByteArrayOutputStream value) {
        int c = lexer.read();
        int simple = simpleEscape(c, quote);
        if (simple >= 0) {
            value.write(simple);
            return;
        }
        int digits;
        int base;
        int max;
        if (c >= '0' && c <= '7') {
            digits = 3;
            base = 8;
            max = 255;
        } else if (c == 'x' || c == 'u' || c == 'U') {
            digits = c == 'x' ? 2 : c == 'u' ? 4 : 8;
            base = 16;
            max = c == 'x' ? 255 : Character.MAX_CODE_POINT;
            c = lexer.read();
        } else if (c < 0) {
            throw lexer.error(stringStart, "escape sequence not terminated");
        } else {
            throw lexer.error(stringStart, "unknown escape sequence " + GoText.unicode(c));
        }
        long code = 0;
        for (int n = digits; n > 0; n--) {
            int d = Character.digit(c, 16);
            if (d < 0 || d >= base || c > 'f') {
                throw lexer.error(
                        stringStart,
                        c < 0
                                ? "escape sequence not terminated"
                                : "illegal character " + GoText.unicode(c) + " in escape sequence");
            }
            code = code * base + d;
            if (n > 1) {
                c = lexer.read();
            }
        }
        if (code > max || (code >= 0xD800 && code < 0xE000)) {
            throw lexer.error(stringStart, "escape sequence is an invalid Unicode code point");
        }
        if (max == 255) {
            value.write((int) code); // octal and \x escapes are bytes, not characters
        } else {
            appendUtf8(value, (int) code);
        }
    }

    private static int simpleEscape(int c, int quote) {
        return switch (c) {
            case 'a' -> 0x07;
            case 'b' -> '\b';
            case 'f' -> '\f';
            case 'n' -> '\n';
            case 'r' -> '\r';
            case 't' -> '\t';
            case 'v' -> 0x0B;
            case '\\' -> '\\';
            default -> c == quote ? quote : -1;
        };
    }

    /** Appends a code point in UTF-8. */
    static void appendUtf8(ByteArrayOutputStream value, int codePoint) {
        value.writeBytes(new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8));
    }
}
