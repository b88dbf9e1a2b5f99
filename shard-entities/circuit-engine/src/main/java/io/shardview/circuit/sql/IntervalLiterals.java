package io.shardview.circuit.sql;

import io.shardview.circuit.pg.DateTimes;
import io.shardview.circuit.sql.SqlText.Kind;
import io.shardview.circuit.sql.SqlText.Token;
import java.util.List;

/**
 * PostgreSQL's {@code INTERVAL '1 day'}, which Calcite's parser lacks, and {@code CAST('1 day' AS INTERVAL)} (which
 * {@code '1 day'::interval} became), written {@code pg_interval('1 day')} before parsing ({@link DateTimes#mark} reads it); the standard's {@code INTERVAL '1' DAY}, which Calcite parses, is left
 * as it is, and so are strings, quoted names and comments.
 */
final class IntervalLiterals {
    private IntervalLiterals() {}

    static String rewrite(String sql) {
        return rewrite(RewrittenText.of(sql)).text;
    }

    /** As {@link #rewrite(String)}, keeping where each character was written. */
    static RewrittenText rewrite(RewrittenText written) {
        String sql = written.text;
        List<Token> tokens = SqlText.tokens(sql);
        RewrittenText.Builder out = written.rebuild();
        int copied = 0;
        for (int i = 0; i + 1 < tokens.size(); i++) {
            Token word = tokens.get(i);
            if (castOfText(tokens, i)) { // CAST('1 day' AS INTERVAL), which '1 day'::interval became
                Token text = tokens.get(i + 2);
                out.copy(copied, word.start())
                        .add(DateTimes.INTERVAL_TEXT + "(")
                        .copy(text.start(), text.end())
                        .add(")");
                copied = tokens.get(i + 5).end();
                i += 5;
                continue;
            }
            Token text = tokens.get(i + 1);
            if (word.kind() != Kind.WORD || !word.lower().equals("interval") || text.kind() != Kind.STRING) continue;
            Token after = i + 2 < tokens.size() ? tokens.get(i + 2) : null;
            if (after != null && after.kind() == Kind.WORD && DateTimes.QUALIFIERS.contains(after.lower())) continue;
            out.copy(copied, word.start())
                    .add(DateTimes.INTERVAL_TEXT + "(")
                    .copy(text.start(), text.end())
                    .add(")");
            copied = text.end();
            i++;
        }
        return out.copy(copied, sql.length()).build();
    }

    /** Whether the tokens from {@code i} are {@code CAST ( 'text' AS INTERVAL )}. */
    private static boolean castOfText(List<Token> tokens, int i) {
        if (i + 5 >= tokens.size()) return false;
        Token cast = tokens.get(i);
        Token as = tokens.get(i + 3);
        Token type = tokens.get(i + 4);
        return cast.kind() == Kind.WORD
                && cast.lower().equals("cast")
                && tokens.get(i + 1).is("(")
                && tokens.get(i + 2).kind() == Kind.STRING
                && as.kind() == Kind.WORD
                && as.lower().equals("as")
                && type.kind() == Kind.WORD
                && type.lower().equals("interval")
                && tokens.get(i + 5).is(")");
    }
}
