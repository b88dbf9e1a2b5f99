package io.shardview.entity.tenant;

import io.shardview.circuit.data.Row;
import io.shardview.circuit.pg.FixedChar;
import io.shardview.circuit.pg.PgInterval;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Engine values as the API writes them: numbers as numbers (REAL as the double of its digits), DECIMAL as a string (to keep its
 * precision), DATE and TIMESTAMP as ISO-8601 strings, an interval as PostgreSQL's text of it. Replies and change events carry rows in
 * this form, so they serialize the same way on every node.
 */
final class RowJson {
    private RowJson() {}

    static Object value(Object v) {
        if (v instanceof BigDecimal decimal) return decimal.toPlainString();
        // A float4 as the double of its own digits: JSON shows 1.2345679, and a double crosses nodes unchanged.
        if (v instanceof Float f) return Double.valueOf(f.toString());
        if (v instanceof LocalDate || v instanceof LocalDateTime || v instanceof FixedChar) return v.toString();
        if (v instanceof PgInterval interval) return interval.toString(); // as PostgreSQL shows it: "1 day 02:00:00"
        return v;
    }

    static List<Object> row(Row row) {
        List<Object> values = new ArrayList<>(row.size());
        for (int i = 0; i < row.size(); i++) values.add(value(row.get(i)));
        return values;
    }

    static List<List<Object>> rows(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Row row : rows) out.add(row(row));
        return out;
    }

    /** A row repeated {@code copies} times, as multiset rows appear in the API. */
    static void addCopies(List<List<Object>> out, Row row, long copies) {
        out.addAll(Collections.nCopies((int) copies, row(row)));
    }
}
