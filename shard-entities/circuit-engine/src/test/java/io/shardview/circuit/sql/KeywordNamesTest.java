package io.shardview.circuit.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.PostgresMirror;
import io.shardview.circuit.TestCircuits;
import io.shardview.circuit.batch.BatchOutcome;
import io.shardview.circuit.batch.Op;
import java.math.BigDecimal;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Columns and aliases named as PostgreSQL allows unquoted and Calcite reserves (value, year, date, count, start,
 * position): views over them equal PostgreSQL's, beside the same words used as keywords (EXTRACT's field, a CAST's
 * type, a typed literal, an interval's unit, count(*)); PostgreSQL's reserved words stay refused.
 */
class KeywordNamesTest {
    private static final String TABLE = "CREATE TABLE m (id INT PRIMARY KEY, value NUMERIC, year INT, date DATE,"
            + " count BIGINT, start TIMESTAMP, position VARCHAR)";

    @Test
    void keywordLikeNamesAreColumnsWhereTheyStandAsNames() throws SQLException {
        List<String> selects = List.of(
                "SELECT id, value, year, date, count, start, position FROM m",
                "SELECT m.value * 2 AS value, year + 1 AS month, count AS sum FROM m WHERE value > 1 ORDER BY year",
                "SELECT year, count(*) AS count, SUM(value) AS total FROM m GROUP BY year",
                "SELECT id, EXTRACT(YEAR FROM start) AS y, CAST(start AS DATE) AS day, date + 1 AS next,"
                        + " start + INTERVAL '1' DAY AS later FROM m WHERE date > DATE '2024-01-01'",
                "SELECT id, position AS position FROM m WHERE POSITION('a' IN position) > 0",
                "SELECT id, ROW_NUMBER() OVER (PARTITION BY year ORDER BY value) AS rank, lower(position) AS upper FROM m",
                "SELECT id, SUM(count) OVER (ORDER BY id) AS running, LAG(year) OVER (ORDER BY id) AS prev, count AS minus,"
                        + " value AS old, id + 1 AS new, date AS match, start AS pattern, year AS measures, id AS define,"
                        + " position AS classifier FROM m");
        Circuit circuit = TestCircuits.circuit(TABLE);
        BatchOutcome filled = circuit.applyBatch(List.of(
                Op.insert("m", row(1, "2.5", 2024, LocalDate.of(2024, 3, 1), 7, "abc")),
                Op.insert("m", row(2, "0.5", 2023, LocalDate.of(2023, 12, 31), 9, "xyz")),
                Op.insert("m", row(3, "4", 2024, LocalDate.of(2024, 1, 1), 1, "aa"))));
        assertInstanceOf(BatchOutcome.Accepted.class, filled);
        try (PostgresMirror pg = new PostgresMirror()) {
            pg.reset();
            pg.execute(TABLE);
            pg.execute("INSERT INTO m VALUES (1, 2.5, 2024, '2024-03-01', 7, '2024-03-01 10:00', 'abc'),"
                    + " (2, 0.5, 2023, '2023-12-31', 9, '2023-12-31 10:00', 'xyz'),"
                    + " (3, 4, 2024, '2024-01-01', 1, '2024-01-01 10:00', 'aa')");
            for (int i = 0; i < selects.size(); i++) {
                DdlResult r = circuit.executeSql("CREATE VIEW v" + i + " AS " + selects.get(i));
                assertInstanceOf(DdlResult.Applied.class, r, selects.get(i) + ": " + r);
                pg.execute("CREATE VIEW v" + i + " AS " + selects.get(i));
                assertEquals(
                        pg.rows("SELECT * FROM v" + i),
                        PostgresMirror.canonical(circuit.content("v" + i)),
                        selects.get(i));
            }
        }
    }

    @Test
    void postgresReservedWordsStayRefused() {
        Circuit circuit = TestCircuits.circuit("CREATE TABLE t (id INT PRIMARY KEY, \"end\" INT)");
        for (String select : List.of("SELECT end FROM t", "SELECT id AS user FROM t", "SELECT id AS window FROM t")) {
            DdlResult r = circuit.executeSql("CREATE VIEW v AS " + select);
            assertInstanceOf(DdlResult.Rejected.class, r, select);
        }
        assertInstanceOf(DdlResult.Applied.class, circuit.executeSql("CREATE VIEW v AS SELECT \"end\" AS stop FROM t"));
    }

    private static Map<String, Object> row(
            int id, String value, int year, LocalDate date, long count, String position) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", id);
        row.put("value", new BigDecimal(value));
        row.put("year", year);
        row.put("date", date);
        row.put("count", count);
        row.put("start", LocalDateTime.of(date, java.time.LocalTime.of(10, 0)));
        row.put("position", position);
        return row;
    }
}
