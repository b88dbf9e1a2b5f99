package io.shardview.node.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.shardview.circuit.Circuit;
import io.shardview.circuit.DdlResult;
import io.shardview.circuit.batch.Op;
import io.shardview.circuit.batch.ValidatedBatch;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantReplay;
import io.shardview.entity.tenant.TenantSettings;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code journal diverged --export}: a set-aside batch of a client's becomes the ingest request that makes it again; a
 * tick of the tenant's clock (a batch of the engine's own table) becomes none, since the new home's clock ticks of its
 * own and an ingest into the clock's table is refused.
 */
class DivergedRequestsTest {
    @Test
    void aClockTickIsNoRequestToSendAgain() {
        Circuit circuit = new Circuit();
        assertInstanceOf(
                DdlResult.Applied.class,
                circuit.executeSql("CREATE TABLE e (id INT PRIMARY KEY, ts TIMESTAMP);"
                        + "CREATE VIEW recent AS SELECT id FROM e WHERE ts > NOW() - INTERVAL '1 hour'"));
        TenantReplay replay = TenantReplay.empty("t", TenantSettings.defaults());
        ValidatedBatch tick = (ValidatedBatch) circuit.clockBatch(LocalDateTime.of(2026, 11, 27, 5, 0));
        assertNull(JournalDivergedCommand.request("t", TenantEvent.BatchApplied.of(tick, null), replay));
        ValidatedBatch batch = (ValidatedBatch) circuit.validate(List.of(Op.insert("e", Map.of("id", 1))));
        Map<String, Object> request =
                JournalDivergedCommand.request("t", TenantEvent.BatchApplied.of(batch, "b-1"), replay);
        assertEquals("ingest", request.get("request"));
        assertEquals("b-1", ((Map<?, ?>) request.get("body")).get("batch_id"));
    }
}
