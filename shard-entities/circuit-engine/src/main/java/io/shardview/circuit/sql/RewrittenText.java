package io.shardview.circuit.sql;

import java.util.Arrays;

/**
 * A statement as rewritten before Calcite parses it ({@link InfixCasts}, {@link IntervalLiterals}), with where each of
 * its characters was in the statement as written (-1 for one a rewrite added), so that a syntax error's position in
 * the rewritten text is reported where the client wrote it.
 */
final class RewrittenText {
    final String text;
    private final int[] origin;

    private RewrittenText(String text, int[] origin) {
        this.text = text;
        this.origin = origin;
    }

    /** The statement as written. */
    static RewrittenText of(String written) {
        int[] origin = new int[written.length()];
        Arrays.setAll(origin, i -> i);
        return new RewrittenText(written, origin);
    }

    /** A new text made of pieces of this one and added characters, in order. */
    Builder rebuild() {
        return new Builder();
    }

    final class Builder {
        private final StringBuilder out = new StringBuilder(text.length() + 16);
        private int[] from = new int[text.length() + 16];

        /** Characters [start, end) of the text being rewritten. */
        Builder copy(int start, int end) {
            reserve(end - start);
            System.arraycopy(origin, start, from, out.length(), end - start);
            out.append(text, start, end);
            return this;
        }

        /** Characters a rewrite adds. */
        Builder add(String s) {
            reserve(s.length());
            Arrays.fill(from, out.length(), out.length() + s.length(), -1);
            out.append(s);
            return this;
        }

        private void reserve(int n) {
            if (out.length() + n > from.length) from = Arrays.copyOf(from, Math.max(from.length * 2, out.length() + n));
        }

        RewrittenText build() {
            return new RewrittenText(out.toString(), Arrays.copyOf(from, out.length()));
        }
    }

    /**
     * The 1-based line and column in {@code written} of the character at a 1-based line and column of this text: the
     * first character written by the client at or after it (a position inside added text moves to what follows).
     */
    int[] writtenPosition(String written, int line, int column) {
        int at = offset(text, line, column);
        int w = -1;
        for (int i = at; i < origin.length && w < 0; i++) w = origin[i];
        if (w < 0) w = written.length(); // only added text after it: the end
        int l = 1;
        int c = 1;
        for (int i = 0; i < w && i < written.length(); i++) {
            if (written.charAt(i) == '\n') {
                l++;
                c = 1;
            } else c++;
        }
        return new int[] {l, c};
    }

    /** The offset of a 1-based line and column in s (the end if past it). */
    private static int offset(String s, int line, int column) {
        int at = 0;
        for (int l = 1; l < line && at < s.length(); at++) if (s.charAt(at) == '\n') l++;
        return Math.min(s.length(), at + column - 1);
    }
}
