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
}
