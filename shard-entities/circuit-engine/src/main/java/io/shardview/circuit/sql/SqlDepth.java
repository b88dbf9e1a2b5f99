package io.shardview.circuit.sql;

import java.util.ArrayDeque;
import java.util.List;
import org.apache.calcite.sql.SqlCall;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;

/**
 * How deeply a SELECT nests, measured without recursion, so that a statement the planner would
 * recurse through too deeply (Calcite's parser, validator, converter and decorrelator, and our
 * compiler and operators, all recurse along the tree) is refused up front instead of overflowing a
 * thread's stack. Two measures: before parsing, the nesting of parentheses and CASE ... END in the
 * text (the parser recurses on them); after parsing, the depth of the parse tree, where a chain
 * such as {@code a + b + ... } or {@code ... UNION ALL ...} or {@code ... OR ...} is as deep as it
 * is long (Calcite builds it left-deep).
 */
public final class SqlDepth {
    private SqlDepth() {}

    /** The deepest nesting of parentheses and CASE ... END in SQL text, skipping quotes and comments. */
    public static int textNesting(String sql) {
        int depth = 0;
        int deepest = 0;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = closingQuote(sql, i, c);
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                while (i < n && sql.charAt(i) != '\n') i++;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                i = end < 0 ? n : end + 1;
            } else if (c == '(') {
                deepest = Math.max(deepest, ++depth);
            } else if (c == ')') {
                depth = Math.max(0, depth - 1);
            } else if (Character.isLetter(c) && (i == 0 || !isWordChar(sql.charAt(i - 1)))) {
                int end = i;
                while (end < n && isWordChar(sql.charAt(end))) end++;
                int length = end - i;
                if (length == 4 && sql.regionMatches(true, i, "case", 0, 4)) {
                    deepest = Math.max(deepest, ++depth);
                } else if (length == 3 && sql.regionMatches(true, i, "end", 0, 3)) {
                    depth = Math.max(0, depth - 1);
                }
                i = end - 1;
            }
        }
        return deepest;
    }

    /** The parse tree's depth, counting at most to {@code limit + 1} (deeper trees are not walked further). */
    public static int treeDepth(SqlNode root, int limit) {
        ArrayDeque<SqlNode> nodes = new ArrayDeque<>();
        ArrayDeque<Integer> depths = new ArrayDeque<>();
        nodes.push(root);
        depths.push(1);
        int deepest = 0;
        while (!nodes.isEmpty()) {
            SqlNode node = nodes.pop();
            int depth = depths.pop();
            deepest = Math.max(deepest, depth);
            if (depth > limit) return deepest;
            List<? extends SqlNode> children = node instanceof SqlCall call
                    ? call.getOperandList()
                    : node instanceof SqlNodeList list ? list.getList() : List.of();
            for (SqlNode child : children) {
                if (child == null) continue;
                nodes.push(child);
                depths.push(depth + 1);
            }
        }
        return deepest;
    }

    private static int closingQuote(String sql, int open, char quote) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2; // a doubled quote inside the quotes
                    continue;
                }
                return i;
            }
            i++;
        }
        return sql.length();
    }

    private static boolean isWordChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }
}
