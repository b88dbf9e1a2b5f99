package io.shardview.circuit.pg;

/**
 * A CHAR(n) value (PostgreSQL's bpchar): stored and output blank-padded to n characters, but its
 * trailing blanks are insignificant: it compares, hashes and converts to text (||, LOWER/UPPER,
 * CAST AS VARCHAR) as its text without them. So 'a' and 'a  ' in a CHAR(3) column are one value, and
 * it equals the VARCHAR 'a' (PostgreSQL converts the bpchar to text to compare it with a text value).
 * Its spelling, the padded form, still tells values apart where PostgreSQL shows each row as stored:
 * a bpchar without a length holds 'a' and 'a  ' as two spellings of one value (see {@link #sameSpelling}).
 *
 * @param text the value without trailing blanks
 * @param length n, the declared length
 */
public record FixedChar(String text, int length) {

    /**
     * The CHAR(n) value of a string, as PostgreSQL's input and assignment do: padded, or, when longer
     * than n, cut to n if only blanks are cut, else refused.
     */
    public static FixedChar of(String s, int length) {
        String text = stripTrailingBlanks(s);
        if (text.codePointCount(0, text.length()) > length) {
            throw new IllegalArgumentException("value too long for type character(" + length + ")");
        }
        return new FixedChar(text, length);
    }

    /** s without its trailing blanks (spaces). */
    public static String stripTrailingBlanks(String s) {
        int end = s.length();
        while (end > 0 && s.charAt(end - 1) == ' ') end--;
        return s.substring(0, end);
    }

    /** Whether both are spelled alike: the same text padded to the same width. */
    public boolean sameSpelling(FixedChar other) {
        return text.equals(other.text) && (length == other.length || width() == other.width());
    }

    /** The number of characters of the padded form. */
    public int width() {
        return Math.max(length, text.codePointCount(0, text.length()));
    }

    /** The stored and output form: the text padded with blanks to n characters. */
    public String padded() {
        int chars = text.codePointCount(0, text.length());
        return chars >= length ? text : text + " ".repeat(length - chars);
    }

    @Override
    public String toString() {
        return padded();
    }
}
