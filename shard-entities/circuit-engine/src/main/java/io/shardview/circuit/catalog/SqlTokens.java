package io.shardview.circuit.catalog;

import io.shardview.circuit.error.RejectionKind;
import io.shardview.circuit.pg.ColumnType;
import io.shardview.circuit.pg.NumericTypmod;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A small PostgreSQL-style tokenizer for DDL: identifiers fold to lower case unless double-quoted. */
final class SqlTokens {
    private final String text;
    private final boolean replaying;
    private final boolean realIsDouble;
    private final boolean varcharLength;
    private int pos;

    /**
     * replaying: the statement was accepted once, by an engine that may have read it more leniently; revision: the
     * SQL revision it was accepted under (see Circuit.SQL_REVISION): under 0 REAL, FLOAT4 and FLOAT(1..24) were
     * double precision, under 3 VARCHAR(n) was a VARCHAR without a length (its values were stored uncut).
     */
    SqlTokens(String text, boolean replaying, int revision) {
        this.text = text;
        this.replaying = replaying;
        this.realIsDouble = revision < 1;
        this.varcharLength = revision >= 3;
    }

    private void skipSpace() {
        while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) pos++;
    }

    private String peekWordRaw() {
        skipSpace();
        int end = pos;
        while (end < text.length() && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) end++;
        return text.substring(pos, end);
    }

    boolean peekWord(String word) {
        return peekWordRaw().equalsIgnoreCase(word);
    }

    boolean acceptWord(String word) {
        String w = peekWordRaw();
        if (!w.equalsIgnoreCase(word)) return false;
        pos += w.length();
        return true;
    }

    void expectWord(String word) throws DdlStatement.ParseError {
        if (!acceptWord(word)) throw error("expected " + word.toUpperCase(Locale.ROOT));
    }

    boolean accept(String symbol) {
        skipSpace();
        if (!text.startsWith(symbol, pos)) return false;
        pos += symbol.length();
        return true;
    }

    void expect(String symbol) throws DdlStatement.ParseError {
        if (!accept(symbol)) throw error("expected '" + symbol + "'");
    }

    void expectEnd() throws DdlStatement.ParseError {
        skipSpace();
        if (pos < text.length()) throw error("unexpected text");
    }

    String peekText() {
        skipSpace();
        return text.substring(pos, Math.min(text.length(), pos + 30));
    }

    /** The remaining text. */
    String rest() {
        skipSpace();
        return text.substring(pos);
    }

    String identifier() throws DdlStatement.ParseError {
        skipSpace();
        if (accept("\"")) {
            int end = text.indexOf('"', pos);
            if (end < 0) throw error("unterminated quoted identifier");
            String id = text.substring(pos, end);
            pos = end + 1;
            return id;
        }
        String w = peekWordRaw();
        if (w.isEmpty() || Character.isDigit(w.charAt(0))) throw error("expected an identifier");
        pos += w.length();
        return w.toLowerCase(Locale.ROOT);
    }

    List<String> identifierList() throws DdlStatement.ParseError {
        expect("(");
        List<String> out = new ArrayList<>();
        do {
            out.add(identifier());
        } while (accept(","));
        expect(")");
        return out;
    }

    /**
     * A column type; for CHAR(n) and VARCHAR(n) its length (CHAR alone is CHAR(1), VARCHAR alone has none, 0, as in
     * PostgreSQL); for NUMERIC(p,s)
     * its precision and scale (NUMERIC(p) has scale 0; NUMERIC alone is unconstrained, precision 0).
     */
    record TypeSpec(ColumnType type, int length, int precision, int scale) {}

    /** A column type with its optional (n) / (p, s) and multi-word spellings. */
    TypeSpec type() throws DdlStatement.ParseError {
        String word = peekWordRaw();
        pos += word.length();
        String spelling = word;
        if (word.equalsIgnoreCase("double") && acceptWord("precision")) spelling = "double precision";
        if (word.equalsIgnoreCase("character") && acceptWord("varying")) spelling = "character varying";
        if (word.equalsIgnoreCase("timestamp") && acceptWord("without")) {
            expectWord("time");
            expectWord("zone");
        }
        ColumnType type = ColumnType.fromSpelling(spelling);
        if (type == null)
            throw new DdlStatement.ParseError(RejectionKind.INVALID, "type \"" + spelling + "\" does not exist");
        int length = type == ColumnType.CHAR ? 1 : 0;
        if (accept("(")) {
            skipSpace();
            int from = pos;
            while (pos < text.length() && text.charAt(pos) != ')') pos++;
            String arguments = text.substring(from, pos).trim();
            expect(")");
            if (type == ColumnType.CHAR) length = charLength(arguments, "character");
            if (type == ColumnType.VARCHAR && varcharLength) length = charLength(arguments, "character varying");
            if (type == ColumnType.DECIMAL) return numericTypmod(arguments);
            if (word.equalsIgnoreCase("float")) type = floatPrecision(arguments);
        }
        if (type == ColumnType.REAL && realIsDouble) type = ColumnType.DOUBLE;
        return new TypeSpec(type, length, 0, 0);
    }

    /**
     * NUMERIC(p) or NUMERIC(p, s), with PostgreSQL's bounds: p in 1..1000, s in -1000..1000. When replaying, a
     * modifier outside them is an unconstrained NUMERIC: engines before NUMERIC(p,s) was kept ignored modifiers,
     * accepted any, and stored the column's values unconstrained.
     */
    private TypeSpec numericTypmod(String arguments) throws DdlStatement.ParseError {
        try {
            return checkedNumericTypmod(arguments);
        } catch (DdlStatement.ParseError e) {
            if (replaying) return new TypeSpec(ColumnType.DECIMAL, 0, 0, 0);
            throw e;
        }
    }

    private static TypeSpec checkedNumericTypmod(String arguments) throws DdlStatement.ParseError {
        String[] parts = arguments.split(",", -1);
        int precision;
        int scale;
        try {
            if (parts.length > 2) throw new NumberFormatException();
            precision = Integer.parseInt(parts[0].trim());
            scale = parts.length == 2 ? Integer.parseInt(parts[1].trim()) : 0;
        } catch (NumberFormatException e) {
            throw new DdlStatement.ParseError(
                    RejectionKind.INVALID, "invalid NUMERIC type modifier \"(" + arguments + ")\"");
        }
        if (precision < 1 || precision > NumericTypmod.MAX_PRECISION) {
            throw new DdlStatement.ParseError(
                    RejectionKind.INVALID,
                    "NUMERIC precision " + precision + " must be between 1 and " + NumericTypmod.MAX_PRECISION);
        }
        if (scale < -NumericTypmod.MAX_SCALE || scale > NumericTypmod.MAX_SCALE) {
            throw new DdlStatement.ParseError(
                    RejectionKind.INVALID,
                    "NUMERIC scale " + scale + " must be between -" + NumericTypmod.MAX_SCALE + " and "
                            + NumericTypmod.MAX_SCALE);
        }
        return new TypeSpec(ColumnType.DECIMAL, 0, precision, scale);
    }

    /** FLOAT(p): real for p in 1..24, double precision for 25..53, as in PostgreSQL. */
    private static ColumnType floatPrecision(String p) throws DdlStatement.ParseError {
        int bits;
        try {
            bits = Integer.parseInt(p);
        } catch (NumberFormatException e) {
            throw new DdlStatement.ParseError(RejectionKind.INVALID, "invalid FLOAT precision \"" + p + "\"");
        }
        if (bits < 1)
            throw new DdlStatement.ParseError(RejectionKind.INVALID, "precision for type float must be at least 1 bit");
        if (bits > 53)
            throw new DdlStatement.ParseError(
                    RejectionKind.INVALID, "precision for type float must be less than 54 bits");
        return bits <= 24 ? ColumnType.REAL : ColumnType.DOUBLE;
    }

    private static int charLength(String n, String type) throws DdlStatement.ParseError {
        try {
            int length = Integer.parseInt(n);
            if (length >= 1 && length <= 10_485_760) return length;
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new DdlStatement.ParseError(
                RejectionKind.INVALID,
                "length for type " + type + " must be between 1 and 10485760, not \"" + n + "\"");
    }

    /** The offset of the next token in the statement's text. */
    int position() {
        skipSpace();
        return pos;
    }

    private DdlStatement.ParseError error(String message) {
        String near = peekText();
        String at = near.isEmpty()
                ? "syntax error at end of input"
                : "syntax error at or near \"" + near.split("\\s+", 2)[0] + "\"";
        return new DdlStatement.ParseError(RejectionKind.SYNTAX, at + ": " + message, pos);
    }
}
