package io.shardview.circuit.plan;

import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.sql.SqlNodeList;
import org.apache.calcite.sql.SqlSelect;
import org.apache.calcite.sql.parser.SqlParserPos;

/** The SQL trees the planner's rewrites write themselves, where Calcite's constructors take every clause. */
public final class SqlSelects {
    private SqlSelects() {}

    /** {@code SELECT items FROM from}, and no other clause. */
    public static SqlSelect of(SqlParserPos pos, SqlNodeList items, SqlNode from) {
        return new SqlSelect(pos, null, items, from, null, null, null, null, null, null, null, null);
    }
}
