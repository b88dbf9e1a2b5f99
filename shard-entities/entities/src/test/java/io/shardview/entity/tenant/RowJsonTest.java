package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.circuit.data.Row;
import io.shardview.circuit.pg.FixedChar;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Values as clients read them: a REAL with its own digits (as PostgreSQL shows it), not its float8 expansion. */
class RowJsonTest {
    @Test
    void aRowRendersAsPostgresShowsItsValues() throws Exception {
        Row row = Row.of(1.2345679f, 0.1f, 1.2345678806304932, new BigDecimal("2.50"), new FixedChar("a", 3), null);
        String json = new ObjectMapper().writeValueAsString(RowJson.row(row));
        assertEquals("[1.2345679,0.1,1.2345678806304932,\"2.50\",\"a  \",null]", json);
        assertEquals(
                List.of(1.2345679, 0.1),
                RowJson.row(row).subList(0, 2),
                "a real crosses nodes as a double of its digits");
    }
}
