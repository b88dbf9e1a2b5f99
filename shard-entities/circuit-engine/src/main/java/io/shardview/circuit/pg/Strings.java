package io.shardview.circuit.pg;

import io.shardview.circuit.error.EvaluationException;

/** PostgreSQL's string functions over text, counting characters (code points), not UTF-16 units. */
public final class Strings {
    private Strings() {}

    /** length(text), char_length(text). */
    public static int length(String s) {
        return s.codePointCount(0, s.length());
    }

    /**
     * substring(s FROM start [FOR count]): the characters from position {@code start} (1 is the first; positions
     * before it count toward {@code count} but give nothing), {@code count} of them or to the end; a negative count
     * fails as in PostgreSQL.
     */
    public static String substring(String s, long start, Long count) {
        if (count != null && count < 0) throw new EvaluationException("negative substring length not allowed");
        long chars = length(s);
        long first = Math.max(start, 1);
        long end = count == null ? chars + 1 : Math.min(chars + 1, saturatedAdd(start, count));
        if (first >= end || first > chars) return "";
        int from = s.offsetByCodePoints(0, (int) (first - 1));
        int to = s.offsetByCodePoints(from, (int) (end - first));
        return s.substring(from, to);
    }

    private static long saturatedAdd(long a, long b) {
        long sum = a + b;
        return ((a ^ sum) & (b ^ sum)) < 0 ? Long.MAX_VALUE : sum;
    }

    /** position(needle IN s): the first occurrence's character position, 1-based; 0 when absent; 1 for ''. */
    public static int position(String needle, String s) {
        int at = s.indexOf(needle);
        return at < 0 ? 0 : s.codePointCount(0, at) + 1;
    }

    /** trim([BOTH | LEADING | TRAILING] characters FROM s): any of {@code characters} removed from the ends. */
    public static String trim(String s, String characters, String side) {
        int start = 0;
        int end = s.length();
        boolean leading = !side.equals("TRAILING");
        boolean trailing = !side.equals("LEADING");
        while (leading && start < end) {
            int c = s.codePointAt(start);
            if (characters.indexOf(c) < 0) break;
            start += Character.charCount(c);
        }
        while (trailing && end > start) {
            int c = s.codePointBefore(end);
            if (characters.indexOf(c) < 0) break;
            end -= Character.charCount(c);
        }
        return s.substring(start, end);
    }

    /**
     * The longest string lpad, rpad and replace may make, in characters. PostgreSQL allows 1 GB; here one row's value
     * must not take the node's memory (a view over a batch computes many), so longer results fail the batch with
     * PostgreSQL's message for its own limit.
     */
    public static final int MAX_RESULT_CHARS = 1 << 20;

    /** Fails a result growing past {@link #MAX_RESULT_CHARS} characters (counted as UTF-16 units, a bound above). */
    public static void checkLength(CharSequence s) {
        if (s.length() > 2 * MAX_RESULT_CHARS
                || s.length() > MAX_RESULT_CHARS && length(s.toString()) > MAX_RESULT_CHARS) throw tooLarge();
    }

    private static EvaluationException tooLarge() {
        return new EvaluationException("requested length too large");
    }

    /** lpad(s, n [, fill]) and rpad: s cut or padded with fill (repeated, cut) to n characters; '' when n <= 0. */
    public static String pad(String s, long n, String fill, boolean left) {
        if (n <= 0) return "";
        if (n > MAX_RESULT_CHARS) throw tooLarge();
        int have = length(s);
        if (have >= n) return s.substring(0, s.offsetByCodePoints(0, (int) n));
        int fillChars = length(fill);
        if (fillChars == 0) return s;
        StringBuilder padding = new StringBuilder();
        int[] fillPoints = fill.codePoints().toArray();
        for (long i = 0; i < n - have; i++) padding.appendCodePoint(fillPoints[(int) (i % fillChars)]);
        return left ? padding + s : s + padding;
    }

    /** replace(s, from, to): every occurrence of from replaced; s itself when from is ''. */
    public static String replace(String s, String from, String to) {
        if (from.isEmpty()) return s;
        long occurrences = 0;
        for (int at = s.indexOf(from); at >= 0; at = s.indexOf(from, at + from.length())) occurrences++;
        if ((long) s.length() + occurrences * ((long) to.length() - from.length()) > 2L * MAX_RESULT_CHARS)
            throw tooLarge();
        return s.replace(from, to);
    }

    /**
     * split_part(s, delimiter, n): the n-th field (1-based; from the end when negative), '' past the last; an empty
     * delimiter makes s one field; n = 0 fails as in PostgreSQL.
     */
    public static String splitPart(String s, String delimiter, long n) {
        if (n == 0) throw new EvaluationException("field position must not be zero");
        java.util.List<String> fields = new java.util.ArrayList<>();
        if (s.isEmpty()) return "";
        if (delimiter.isEmpty()) {
            fields.add(s);
        } else {
            int start = 0;
            for (int at = s.indexOf(delimiter); at >= 0; at = s.indexOf(delimiter, start)) {
                fields.add(s.substring(start, at));
                start = at + delimiter.length();
            }
            fields.add(s.substring(start));
        }
        long index = n > 0 ? n - 1 : fields.size() + n;
        return index < 0 || index >= fields.size() ? "" : fields.get((int) index);
    }

    /** left(s, n): the first n characters, or all but the last -n when n is negative; right(s, n) the same from the end. */
    public static String leftOrRight(String s, long n, boolean left) {
        int chars = length(s);
        long keep = n >= 0 ? Math.min(n, chars) : Math.max(0, chars + n);
        if (left) return s.substring(0, s.offsetByCodePoints(0, (int) keep));
        return s.substring(s.offsetByCodePoints(0, (int) (chars - keep)));
    }
}
