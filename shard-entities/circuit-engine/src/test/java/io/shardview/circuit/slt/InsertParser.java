package io.shardview.circuit.slt;

import io.shardview.circuit.batch.Op;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two statement forms of the sqllogictest corpus' setup that become data: {@code CREATE TABLE name (column
 * type, ...)} (for its columns' order) and {@code INSERT INTO name [(columns)] VALUES (literal, ...)[, (...)]},
 * whose rows become insert ops. Literals: integers, decimals, 'strings' (with '' for a quote), NULL, signs.
 */
final class InsertParser {
    record Table(String name, List<String> columns) {}

    private InsertParser() {}

    static Table table(String sql) {
        String s = sql.strip();
        int open = s.indexOf('(');
        String name = s.substring("CREATE TABLE".length(), open).strip().toLowerCase(Locale.ROOT);
        String body = s.substring(open + 1, s.lastIndexOf(')'));
        List<String> columns = new ArrayList<>();
        for (String part : splitTopLevel(body)) {
            String p = part.strip();
            String first = p.split("\\s+")[0].toLowerCase(Locale.ROOT);
            if (first.equals("primary") || first.equals("unique") || first.equals("constraint")) continue;
            columns.add(first);
        }
        return new Table(name, columns);
    }

    static List<Op> inserts(String sql, Map<String, List<String>> tables) {
        String s = sql.strip();
        int values = s.toUpperCase(Locale.ROOT).indexOf("VALUES");
        String head = s.substring("INSERT INTO".length(), values).strip();
        String table;
        List<String> columns;
        int open = head.indexOf('(');
        if (open >= 0) {
            table = head.substring(0, open).strip().toLowerCase(Locale.ROOT);
            columns = new ArrayList<>();
            for (String c : head.substring(open + 1, head.lastIndexOf(')')).split(","))
                columns.add(c.strip().toLowerCase(Locale.ROOT));
        } else {
            table = head.toLowerCase(Locale.ROOT);
            columns = tables.get(table);
        }
        List<Op> out = new ArrayList<>();
        String rest = s.substring(values + "VALUES".length()).strip();
        for (String tuple : splitTopLevel(rest)) {
            String t = tuple.strip();
            List<String> literals = splitTopLevel(t.substring(t.indexOf('(') + 1, t.lastIndexOf(')')));
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 0; i < columns.size(); i++)
                row.put(columns.get(i), literal(literals.get(i).strip()));
            out.add(Op.insert(table, row));
        }
        return out;
    }

    static Object literal(String text) {
        if (text.equalsIgnoreCase("NULL")) return null;
        if (text.startsWith("'")) return text.substring(1, text.length() - 1).replace("''", "'");
        String number = text.startsWith("+") ? text.substring(1) : text;
        if (number.matches("-?\\d+")) return Long.parseLong(number);
        return new BigDecimal(number);
    }

    /** Splits on commas outside parentheses and quotes. */
    static List<String> splitTopLevel(String s) {
        List<String> out = new ArrayList<>();
        int depth = 0;
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\'') quoted = !quoted;
            else if (!quoted && c == '(') depth++;
            else if (!quoted && c == ')') depth--;
            else if (!quoted && depth == 0 && c == ',') {
                out.add(s.substring(start, i));
                start = i + 1;
            }
        }
        out.add(s.substring(start));
        return out;
    }
}
