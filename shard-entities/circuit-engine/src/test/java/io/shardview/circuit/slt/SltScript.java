package io.shardview.circuit.slt;

import java.util.ArrayList;
import java.util.List;

/**
 * A sqllogictest script (SQLite's format, as the {@code net.hydromatic:sql-logic-test} corpus holds it) read into
 * its records: statements, queries with their expected results, and the conditions that keep a record from a
 * database ({@code skipif X}, {@code onlyif X}). Records for another database than PostgreSQL are left out, as
 * the corpus' PostgreSQL runs leave them out.
 */
record SltScript(String name, List<Record> records) {
    /** A record of the script, with the line it starts on. */
    sealed interface Record permits Statement, Query {
        int line();
    }

    /** {@code statement ok|error}: SQL that succeeds (or fails) and returns nothing. */
    record Statement(int line, String sql, boolean ok) implements Record {}

    /**
     * {@code query <types> <sort> [label]}: its SQL, one type letter per column (I integer, R real, T text), how its
     * values are sorted before comparison (nosort, rowsort, valuesort), and what it returns: {@code values}, or
     * {@code hashCount} values whose MD5 is {@code hash}.
     */
    record Query(int line, String sql, String types, String sort, List<String> values, int hashCount, String hash)
            implements Record {}

    static SltScript parse(String name, String text) {
        String[] lines = text.split("\n", -1);
        List<Record> records = new ArrayList<>();
        int i = 0;
        while (i < lines.length) {
            String line = lines[i].strip();
            if (line.isEmpty() || line.startsWith("#")) {
                i++;
                continue;
            }
            boolean skip = false;
            while (line.startsWith("skipif ") || line.startsWith("onlyif ")) {
                String db = line.substring(7).strip().split("\\s+")[0];
                if (line.startsWith("skipif ") == db.equals("postgresql")) skip = true;
                line = lines[++i].strip();
            }
            int start = i + 1;
            if (line.equals("halt")) {
                if (!skip) break;
                i++;
                continue;
            }
            if (line.startsWith("hash-threshold")) {
                i++;
                continue;
            }
            if (line.startsWith("statement ")) {
                StringBuilder sql = new StringBuilder();
                i++;
                while (i < lines.length && !lines[i].isBlank())
                    sql.append(lines[i++]).append('\n');
                if (!skip) records.add(new Statement(start, sql.toString().strip(), line.equals("statement ok")));
                continue;
            }
            if (line.startsWith("query ")) {
                String[] header = line.split("\\s+");
                StringBuilder sql = new StringBuilder();
                i++;
                while (i < lines.length && !lines[i].isBlank() && !lines[i].equals("----")) {
                    sql.append(lines[i++]).append('\n');
                }
                List<String> values = new ArrayList<>();
                int hashCount = -1;
                String hash = null;
                if (i < lines.length && lines[i].equals("----")) {
                    i++;
                    while (i < lines.length && !lines[i].isBlank()) {
                        String v = lines[i++];
                        java.util.regex.Matcher m = java.util.regex.Pattern.compile(
                                        "(\\d+) values hashing to ([0-9a-f]{32})")
                                .matcher(v);
                        if (m.matches()) {
                            hashCount = Integer.parseInt(m.group(1));
                            hash = m.group(2);
                        } else {
                            values.add(v);
                        }
                    }
                }
                if (!skip) {
                    records.add(new Query(
                            start,
                            sql.toString().strip(),
                            header[1],
                            header.length > 2 ? header[2] : "nosort",
                            values,
                            hashCount,
                            hash));
                }
                continue;
            }
            throw new IllegalArgumentException(name + ":" + (i + 1) + ": unknown record " + line);
        }
        return new SltScript(name, records);
    }
}
