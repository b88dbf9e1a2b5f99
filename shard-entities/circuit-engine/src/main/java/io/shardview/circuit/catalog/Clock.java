package io.shardview.circuit.catalog;

import java.util.regex.Pattern;

/**
 * A tenant's clock, as its views read it: {@code NOW()}, {@code CURRENT_TIMESTAMP}, {@code LOCALTIMESTAMP} and
 * {@code CURRENT_DATE} in a view read the one row of a table of the engine's own, {@value #TABLE}, which the tenant
 * advances with batches of its own (a clock tick is a batch like any other, so the journal, a replay and every region's
 * replica see the same contents at each version). Created with the first view that names the time; hidden from users,
 * who can neither write nor read it, nor name a table or view of theirs with a leading {@code $}.
 */
public final class Clock {
    private Clock() {}

    /** The clock's table. */
    public static final String TABLE = "$clock";

    /** Its timestamp column; its key is {@code id}, always 1. */
    public static final String COLUMN = "now";

    private static final Pattern TIME_WORDS = Pattern.compile(
            "(?i)\\bnow\\s*\\(|\\bcurrent_timestamp\\b|\\bcurrent_date\\b|\\blocaltimestamp\\b|\\bage\\s*\\(");

    /** The clock table's schema. */
    public static TableSchema schema() {
        try {
            DdlStatement table = DdlStatement.parse(
                    "CREATE TABLE \"" + TABLE + "\" (id INT NOT NULL PRIMARY KEY, \"" + COLUMN + "\" TIMESTAMP)",
                    true,
                    Integer.MAX_VALUE);
            return ((DdlStatement.CreateTable) table).schema();
        } catch (DdlStatement.ParseError e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether a relation's name is the engine's own (a leading {@code $}). */
    public static boolean isSystem(String name) {
        return name != null && name.startsWith("$");
    }

    /** Whether a SELECT may name the time (its text has one of the words; the planner decides). */
    public static boolean mentions(String select) {
        return select != null && TIME_WORDS.matcher(select).find();
    }
}
