package io.shardview.metrics.promql.parser;

/**
 * A query that is not valid PromQL, with its message as Prometheus words it: {@code 1:5: parse error: unexpected
 * <op:+>} (line and column 1-based, counted in characters where Prometheus counts bytes; they differ only after
 * non-ASCII text).
 */
public final class PromqlParseException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final int position;
    private final String detail;

    /** {@code position} is the 0-based character offset in {@code query} that the error is about. */
    public PromqlParseException(String query, int position, String detail) {
        super(lineAndColumn(query, position) + " parse error: " + detail);
        this.position = position;
        this.detail = detail;
    }

    /** The 0-based character offset in the query. */
    public int position() {
        return position;
    }

    /** The message without its position ({@code unexpected <op:+>}). */
    public String detail() {
        return detail;
    }

    private static String lineAndColumn(String query, int position) {
        if (position < 0 || position > query.length()) {
            return "invalid position:";
        }
        int line = 1;
        int lastLineBreak = -1;
        for (int i = 0; i < position; i++) {
            if (query.charAt(i) == '\n') {
                line++;
                lastLineBreak = i;
            }
        }
        return line + ":" + (position - lastLineBreak) + ":";
    }
}
