package io.shardview.metrics.promql.parser;

import io.shardview.metrics.promql.parser.Token.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * Splits a query into {@link Token}s on demand, as Prometheus's lexer (promql/parser/lex.go) does: its modes (inside
 * braces keywords are plain identifiers; right after {@code [} only a duration may come), its number and duration
 * scanning, string escapes, and its error messages. Lexing lazily keeps Prometheus's order of errors: a syntax error
 * before a bad character is reported first.
 */
final class PromqlLexer {
    private static final int EOF = -1;
    private static final String DECIMAL_DIGITS = "0123456789";
    private static final String HEX_DIGITS = "0123456789abcdefABCDEF";

    private static final Map<String, Kind> KEYWORDS = Map.ofEntries(
            Map.entry("and", Kind.LAND),
            Map.entry("or", Kind.LOR),
            Map.entry("unless", Kind.LUNLESS),
            Map.entry("atan2", Kind.ATAN2),
            Map.entry("sum", Kind.SUM),
            Map.entry("avg", Kind.AVG),
            Map.entry("count", Kind.COUNT),
            Map.entry("min", Kind.MIN),
            Map.entry("max", Kind.MAX),
            Map.entry("group", Kind.GROUP),
            Map.entry("stddev", Kind.STDDEV),
            Map.entry("stdvar", Kind.STDVAR),
            Map.entry("topk", Kind.TOPK),
            Map.entry("bottomk", Kind.BOTTOMK),
            Map.entry("count_values", Kind.COUNT_VALUES),
            Map.entry("quantile", Kind.QUANTILE),
            Map.entry("offset", Kind.OFFSET),
            Map.entry("by", Kind.BY),
            Map.entry("without", Kind.WITHOUT),
            Map.entry("on", Kind.ON),
            Map.entry("ignoring", Kind.IGNORING),
            Map.entry("group_left", Kind.GROUP_LEFT),
            Map.entry("group_right", Kind.GROUP_RIGHT),
            Map.entry("bool", Kind.BOOL),
            Map.entry("start", Kind.START),
            Map.entry("end", Kind.END),
            Map.entry("inf", Kind.NUMBER),
            Map.entry("nan", Kind.NUMBER));

    private final String input;
    private int pos;
    private int parenDepth;
    private boolean braceOpen;
    private boolean bracketOpen;
    private boolean gotColon;
    private boolean durationNext;

    PromqlLexer(String input) {
        this.input = input;
    }

    /** The next token; {@link Kind#EOF} at the end, again and again. */
    Token next() {
        if (durationNext) {
            durationNext = false;
            while (isSpace(peek())) {
                pos++;
            }
            return duration();
        }
        skipSpacesAndComments();
        return braceOpen ? insideBraces() : statement();
    }

    private Token statement() {
        int start = pos;
        int c = peek();
        if (c == EOF) {
            return end();
        }
        if (isDigit(c) || (c == '.' && isDigit(peekAt(pos + 1)))) {
            return numberOrDuration();
        }
        if (c == '"' || c == '\'') {
            return quotedString();
        }
        if (c == '`') {
            return rawString();
        }
        if (isAlpha(c) || c == ':') {
            return bracketOpen ? colon() : keywordOrIdentifier();
        }
        pos += Character.charCount(c);
        return switch (c) {
            case ',' -> token(Kind.COMMA, start);
            case '*' -> token(Kind.MUL, start);
            case '/' -> token(Kind.DIV, start);
            case '%' -> token(Kind.MOD, start);
            case '+' -> token(Kind.ADD, start);
            case '-' -> token(Kind.SUB, start);
            case '^' -> token(Kind.POW, start);
            case '@' -> token(Kind.AT, start);
            case '=' -> equals(start);
            case '!' -> bang(start);
            case '<' -> token(accept("=") ? Kind.LTE : Kind.LSS, start);
            case '>' -> token(accept("=") ? Kind.GTE : Kind.GTR, start);
            case '(', ')', '{', '[', ']' -> bracket(c, start);
            default -> throw error(start, "unexpected character: " + GoText.quoteRune(c));
        };
    }

    private Token end() {
        if (parenDepth != 0) {
            throw error(pos, "unclosed left parenthesis");
        }
        if (bracketOpen) {
            throw error(pos, "unclosed left bracket");
        }
        return new Token(Kind.EOF, "", pos);
    }

    private Token equals(int start) {
        if (accept("=")) {
            return token(Kind.EQLC, start);
        }
        if (peek() == '~') {
            throw error(start, "unexpected character after '=': '~'");
        }
        return token(Kind.EQL, start);
    }

    private Token bang(int start) {
        int after = peek();
        if (after == '=') {
            pos++;
            return token(Kind.NEQ, start);
        }
        throw error(start, "unexpected character after '!': " + GoText.quoteRune(after == EOF ? 0xFFFD : after));
    }

    private Token bracket(int c, int start) {
        switch (c) {
            case '(' -> {
                parenDepth++;
                return token(Kind.LEFT_PAREN, start);
            }
            case ')' -> {
                if (--parenDepth < 0) {
                    // Prometheus reports this one after the parenthesis.
                    throw error(pos, "unexpected right parenthesis ')'");
                }
                return token(Kind.RIGHT_PAREN, start);
            }
            case '{' -> {
                braceOpen = true;
                return token(Kind.LEFT_BRACE, start);
            }
            case '[' -> {
                if (bracketOpen) {
                    throw error(start, "unexpected left bracket '['");
                }
                bracketOpen = true;
                gotColon = false;
                durationNext = true;
                return token(Kind.LEFT_BRACKET, start);
            }
            default -> {
                if (!bracketOpen) {
                    throw error(start, "unexpected right bracket ']'");
                }
                bracketOpen = false;
                return token(Kind.RIGHT_BRACKET, start);
            }
        }
    }

    // Inside brackets Prometheus takes a letter or ':' as the colon of a subquery; only one may come.
    private Token colon() {
        int start = pos;
        int c = peek();
        pos += Character.charCount(c);
        if (gotColon) {
            throw error(start, "unexpected colon " + GoText.quoteRune(c));
        }
        gotColon = true;
        return token(Kind.COLON, start);
    }

    private Token insideBraces() {
        int start = pos;
        int c = peek();
        if (c == EOF) {
            throw error(start, "unexpected end of input inside braces");
        }
        if (isAlpha(c)) {
            while (isAlphaNumeric(peek())) {
                pos++;
            }
            return token(Kind.IDENTIFIER, start);
        }
        if (c == '"' || c == '\'') {
            return quotedString();
        }
        if (c == '`') {
            return rawString();
        }
        pos += Character.charCount(c);
        switch (c) {
            case ',':
                return token(Kind.COMMA, start);
            case '=':
                return token(accept("~") ? Kind.EQL_REGEX : Kind.EQL, start);
            case '!':
                if (accept("~")) {
                    return token(Kind.NEQ_REGEX, start);
                }
                if (accept("=")) {
                    return token(Kind.NEQ, start);
                }
                int after = peek() == EOF ? 0xFFFD : peek();
                throw error(start, "unexpected character after '!' inside braces: " + GoText.quoteRune(after));
            case '{':
                throw error(start, "unexpected left brace '{'");
            case '}':
                braceOpen = false;
                return token(Kind.RIGHT_BRACE, start);
            default:
                throw error(start, "unexpected character inside braces: " + GoText.quoteRune(c));
        }
    }

    private Token keywordOrIdentifier() {
        int start = pos;
        while (isAlphaNumeric(peek()) || peek() == ':') {
            pos++;
        }
        String word = input.substring(start, pos);
        Kind keyword = KEYWORDS.get(word.toLowerCase(Locale.ROOT));
        if (keyword != null) {
            return token(keyword, start);
        }
        return token(word.indexOf(':') < 0 ? Kind.IDENTIFIER : Kind.METRIC_IDENTIFIER, start);
    }

    private Token numberOrDuration() {
        int start = pos;
        if (scanNumber()) {
            return token(Kind.NUMBER, start);
        }
        if (acceptRemainingDuration()) {
            return token(Kind.DURATION, start);
        }
        throw error(start, "bad number or duration syntax: " + GoText.quote(input.substring(start, pos)));
    }

    private Token duration() {
        int start = pos;
        if (scanNumber()) {
            throw error(start, "missing unit character in duration");
        }
        if (!acceptRemainingDuration()) {
            throw error(start, "bad duration syntax: " + GoText.quote(input.substring(start, pos)));
        }
        return token(Kind.DURATION, start);
    }

    /**
     * Scans what may be a number (decimal, 0x hexadecimal, fraction, exponent); true if it is not followed by a letter
     * or digit, which would make it the start of a duration or a mistake. Whether the number is valid is the parser's
     * question.
     */
    private boolean scanNumber() {
        String digits = DECIMAL_DIGITS;
        if (accept("0") && accept("xX")) {
            digits = HEX_DIGITS;
        }
        acceptRun(digits);
        if (accept(".")) {
            acceptRun(digits);
        }
        if (accept("eE")) {
            accept("+-");
            acceptRun(DECIMAL_DIGITS);
        }
        return !isAlphaNumeric(peek());
    }

    /**
     * After the leading number of a duration: a unit, then optionally more number-unit pairs. Bad units ("hs") and
     * bad orders are left to {@link Durations#parse}. On failure the offending character is consumed, so that the
     * error quotes it as Prometheus does.
     */
    private boolean acceptRemainingDuration() {
        if (!accept("smhdwy")) {
            return false;
        }
        accept("s");
        while (accept(DECIMAL_DIGITS)) {
            acceptRun(DECIMAL_DIGITS);
            if (!accept("smhdw")) { // y can only come first
                return false;
            }
            accept("s");
        }
        if (isAlphaNumeric(peek())) {
            pos++;
            return false;
        }
        return true;
    }

    private Token quotedString() {
        int start = pos;
        int quote = input.charAt(pos++);
        ByteArrayOutputStream value = new ByteArrayOutputStream();
        while (true) {
            int c = peek();
            if (c == EOF || c == '\n') {
                throw error(start, "unterminated quoted string");
            }
            if (isInvalidRune(c)) {
                throw error(start, "invalid UTF-8 rune");
            }
            pos += Character.charCount(c);
            if (c == quote) {
                return new Token(Kind.STRING, input.substring(start, pos), start, utf8(value));
            }
            if (c == '\\') {
                StringEscapes.read(this, start, quote, value);
            } else {
                StringEscapes.appendUtf8(value, c);
            }
        }
    }

    private Token rawString() {
        int start = pos++;
        while (true) {
            int c = peek();
            if (c == EOF) {
                throw error(start, "unterminated raw string");
            }
            if (isInvalidRune(c)) {
                throw error(start, "invalid UTF-8 rune");
            }
            pos += Character.charCount(c);
            if (c == '`') {
                return new Token(Kind.STRING, input.substring(start, pos), start, input.substring(start + 1, pos - 1));
            }
        }
    }

    /** The next code point, consumed; {@link #EOF} at the end. For {@link StringEscapes}. */
    int read() {
        int c = peek();
        if (c != EOF) {
            pos += Character.charCount(c);
        }
        return c;
    }

    PromqlParseException error(int at, String message) {
        return new PromqlParseException(input, at, message);
    }

    private void skipSpacesAndComments() {
        while (true) {
            if (peek() == '#') {
                while (peek() != EOF && peek() != '\n' && peek() != '\r') {
                    pos++;
                }
            } else if (isSpace(peek())) {
                pos++;
            } else {
                return;
            }
        }
    }

    private Token token(Kind kind, int start) {
        return new Token(kind, input.substring(start, pos), start);
    }

    private int peek() {
        return peekAt(pos);
    }

    private int peekAt(int at) {
        return at < input.length() ? input.codePointAt(at) : EOF;
    }

    private boolean accept(String valid) {
        int c = peek();
        if (c != EOF && c < 0x80 && valid.indexOf(c) >= 0) {
            pos++;
            return true;
        }
        return false;
    }

    private void acceptRun(String valid) {
        while (accept(valid)) {
            // consume
        }
    }

    private static String utf8(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    // Go decodes the query as UTF-8 and rejects U+FFFD (what bad bytes decode to); a Java string can instead hold a
    // lone surrogate, which no UTF-8 text can.
    private static boolean isInvalidRune(int c) {
        return c == 0xFFFD || (c <= 0xFFFF && Character.isSurrogate((char) c));
    }

    static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r';
    }

    static boolean isDigit(int c) {
        return c >= '0' && c <= '9';
    }

    static boolean isAlpha(int c) {
        return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    static boolean isAlphaNumeric(int c) {
        return isAlpha(c) || isDigit(c);
    }
}
