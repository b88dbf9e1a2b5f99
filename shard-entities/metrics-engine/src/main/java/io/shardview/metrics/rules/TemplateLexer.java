package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.GoText;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Splits a template into Go text/template's items: text between actions, and inside {{ }} the words of an action.
 * Trim markers ("{{- " and " -}}") drop the spaces of the text beside them; comments produce nothing. A lexical error
 * ends the list with an ERROR item carrying Go's message.
 */
final class TemplateLexer {
    /** Kinds of items, as Go's lexer names them. */
    enum Kind {
        TEXT,
        LEFT_DELIM,
        RIGHT_DELIM,
        SPACE,
        IDENTIFIER,
        FIELD,
        VARIABLE,
        STRING,
        RAW_STRING,
        NUMBER,
        CHAR_CONSTANT,
        BOOL,
        NIL,
        DOT,
        PIPE,
        LEFT_PAREN,
        RIGHT_PAREN,
        ASSIGN,
        DECLARE,
        CHAR,
        KEYWORD,
        EOF,
        ERROR
    }

    /** One item: pos is its offset in the text (chars), line its 1-based line. */
    record Item(Kind kind, String val, int pos, int line) {
        /** How Go's parser names an item in "unexpected X" messages. */
        @Override
        public String toString() {
            if (kind == Kind.EOF) return "EOF";
            if (kind == Kind.ERROR) return val;
            if (kind == Kind.KEYWORD) return "<" + val + ">";
            if (val.codePointCount(0, val.length()) > 10) {
                return GoText.quote(val.substring(0, val.offsetByCodePoints(0, 10))) + "...";
            }
            return GoText.quote(val);
        }
    }

    private static final Set<String> KEYWORDS =
            Set.of("block", "break", "continue", "define", "else", "end", "if", "range", "template", "with");

    private final String in;
    private final List<Item> items = new ArrayList<>();
    private int pos;
    private int start;
    private int line = 1;
    private int startLine = 1;
    private int parenDepth;

    private TemplateLexer(String in) {
        this.in = in;
    }

    /** The items of text, ending with EOF or ERROR. */
    static List<Item> lex(String text) {
        TemplateLexer l = new TemplateLexer(text);
        l.run();
        return l.items;
    }

    private void run() {
        while (true) {
            int delim = in.indexOf("{{", pos);
            if (delim < 0) {
                pos = in.length();
                if (pos > start) emit(Kind.TEXT);
                emit(Kind.EOF);
                return;
            }
            boolean trimLeft = delim + 3 < in.length() && in.charAt(delim + 2) == '-' && isSpace(in.charAt(delim + 3));
            int textEnd = delim;
            if (trimLeft) {
                while (textEnd > start && isSpace(in.charAt(textEnd - 1))) textEnd--;
            }
            pos = textEnd;
            if (pos > start) emit(Kind.TEXT);
            skipTo(delim);
            pos = delim + 2;
            int afterMarker = trimLeft ? pos + 2 : pos;
            if (in.startsWith("/*", afterMarker)) {
                if (!comment(afterMarker)) return;
                continue;
            }
            emit(Kind.LEFT_DELIM);
            pos = afterMarker;
            skipTo(pos);
            if (!insideAction()) return;
        }
    }

    /** A comment from its "/*"; false after an error. */
    private boolean comment(int open) {
        int close = in.indexOf("*/", open + 2);
        if (close < 0) return error("unclosed comment");
        pos = close + 2;
        boolean trim = atTrimRightDelim();
        if (!trim && !in.startsWith("}}", pos)) return error("comment ends before closing delimiter");
        pos += trim ? 4 : 2;
        if (trim) trimFollowingSpace();
        skipTo(pos);
        return true;
    }

    /** The items of one action, through its right delimiter; false after an error. */
    private boolean insideAction() {
        while (true) {
            boolean trim = atTrimRightDelim();
            if (trim || in.startsWith("}}", pos)) {
                if (parenDepth > 0) return error("unclosed left paren");
                if (trim) pos++;
                skipTo(pos);
                pos += trim ? 3 : 2;
                emit(Kind.RIGHT_DELIM);
                if (trim) {
                    trimFollowingSpace();
                    skipTo(pos);
                }
                return true;
            }
            if (pos >= in.length()) return error("unclosed action");
            char c = in.charAt(pos);
            if (isSpace(c)) {
                space();
            } else if (c == '=') {
                pos++;
                emit(Kind.ASSIGN);
            } else if (c == ':') {
                if (!in.startsWith(":=", pos)) return error("expected :=");
                pos += 2;
                emit(Kind.DECLARE);
            } else if (c == '|') {
                pos++;
                emit(Kind.PIPE);
            } else if (c == '"') {
                if (!quoted('"', Kind.STRING, "unterminated quoted string")) return false;
            } else if (c == '`') {
                int end = in.indexOf('`', pos + 1);
                if (end < 0) return error("unterminated raw quoted string");
                pos = end + 1;
                emit(Kind.RAW_STRING);
            } else if (c == '\'') {
                if (!quoted('\'', Kind.CHAR_CONSTANT, "unterminated character constant")) return false;
            } else if (c == '$') {
                pos++;
                if (!word(Kind.VARIABLE)) return false;
            } else if (c == '.' && (pos + 1 >= in.length() || !Character.isDigit(in.charAt(pos + 1)))) {
                pos++;
                if (!word(Kind.FIELD)) return false;
            } else if (c == '+' || c == '-' || c == '.' || Character.isDigit(c)) {
                if (!number()) return false;
            } else if (isAlphaNumeric(c)) {
                if (!identifier()) return false;
            } else if (c == '(') {
                pos++;
                parenDepth++;
                emit(Kind.LEFT_PAREN);
            } else if (c == ')') {
                pos++;
                if (--parenDepth < 0) return error("unexpected right paren");
                emit(Kind.RIGHT_PAREN);
            } else if (c < 0x80 && c >= 0x20 && c != 0x7f) {
                pos++;
                emit(Kind.CHAR);
            } else {
                return error(String.format("unrecognized character in action: U+%04X", in.codePointAt(pos)));
            }
        }
    }

    private void space() {
        int n = 0;
        while (pos < in.length() && isSpace(in.charAt(pos))) {
            pos++;
            n++;
        }
        // A space followed by "-}}" belongs to the trim marker.
        if (atTrimRightDelimAt(pos - 1)) {
            pos--;
            if (n == 1) return;
        }
        emit(Kind.SPACE);
    }

    private boolean quoted(char quote, Kind kind, String unterminated) {
        pos++;
        while (true) {
            if (pos >= in.length() || in.charAt(pos) == '\n') return error(unterminated);
            char c = in.charAt(pos++);
            if (c == '\\') {
                if (pos >= in.length() || in.charAt(pos) == '\n') return error(unterminated);
                pos++;
            } else if (c == quote) {
                emit(kind);
                return true;
            }
        }
    }

    /** A variable's or field's name after "$" or "."; "$" and "." alone are the variable $ and dot. */
    private boolean word(Kind kind) {
        if (atTerminator()) {
            emit(kind == Kind.VARIABLE ? Kind.VARIABLE : Kind.DOT);
            return true;
        }
        while (pos < in.length() && isAlphaNumeric(in.charAt(pos))) pos++;
        if (!atTerminator()) return badCharacter();
        emit(kind);
        return true;
    }

    private boolean identifier() {
        while (pos < in.length() && isAlphaNumeric(in.charAt(pos))) pos++;
        if (!atTerminator()) return badCharacter();
        String w = in.substring(start, pos);
        emit(
                KEYWORDS.contains(w)
                        ? Kind.KEYWORD
                        : w.equals("true") || w.equals("false")
                                ? Kind.BOOL
                                : w.equals("nil") ? Kind.NIL : Kind.IDENTIFIER);
        return true;
    }

    private boolean number() {
        if (in.charAt(pos) == '+' || in.charAt(pos) == '-') pos++;
        String digits = "0123456789_";
        if (in.startsWith("0x", pos) || in.startsWith("0X", pos)) {
            pos += 2;
            digits = "0123456789abcdefABCDEF_";
        }
        accept(digits);
        if (pos < in.length() && in.charAt(pos) == '.') {
            pos++;
            accept(digits);
        }
        String exponent = digits.length() == 11 ? "eE" : "pP";
        if (pos < in.length() && exponent.indexOf(in.charAt(pos)) >= 0) {
            pos++;
            if (pos < in.length() && (in.charAt(pos) == '+' || in.charAt(pos) == '-')) pos++;
            accept("0123456789_");
        }
        if (pos < in.length() && in.charAt(pos) == 'i') pos++;
        if (pos < in.length() && isAlphaNumeric(in.charAt(pos))) {
            pos++;
            return error("bad number syntax: " + GoText.quote(in.substring(start, pos)));
        }
        emit(Kind.NUMBER);
        return true;
    }

    private void accept(String chars) {
        while (pos < in.length() && chars.indexOf(in.charAt(pos)) >= 0) pos++;
    }

    private boolean badCharacter() {
        int cp = in.codePointAt(pos);
        return error(String.format("bad character U+%04X '%s'", cp, new String(Character.toChars(cp))));
    }

    private boolean atTerminator() {
        if (pos >= in.length()) return true;
        char c = in.charAt(pos);
        return isSpace(c) || ".,|:()".indexOf(c) >= 0 || in.startsWith("}}", pos);
    }

    private boolean atTrimRightDelim() {
        return atTrimRightDelimAt(pos);
    }

    private boolean atTrimRightDelimAt(int p) {
        return p >= 0 && p + 4 <= in.length() && isSpace(in.charAt(p)) && in.startsWith("-}}", p + 1);
    }

    private void trimFollowingSpace() {
        while (pos < in.length() && isSpace(in.charAt(pos))) pos++;
    }

    private void emit(Kind kind) {
        items.add(new Item(kind, in.substring(start, pos), start, startLine));
        skipTo(pos);
    }

    /** Moves the start of the next item to p, counting the lines passed. */
    private void skipTo(int p) {
        for (int i = start; i < p; i++) if (in.charAt(i) == '\n') line++;
        start = p;
        startLine = line;
    }

    private boolean error(String message) {
        items.add(new Item(Kind.ERROR, message, start, startLine));
        return false;
    }

    static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\r' || c == '\n';
    }

    static boolean isAlphaNumeric(char c) {
        return c == '_' || Character.isLetterOrDigit(c);
    }
}
