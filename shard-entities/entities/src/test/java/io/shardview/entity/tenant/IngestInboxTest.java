package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A tenant's inbox on its node: told once per drain, cut into groups, shedding load, and closed without losses. */
class IngestInboxTest {
    private static final ActorTestKit KIT = ActorTestKit.create();
    private static final Duration A_WHILE = Duration.ofMillis(200);

    private final TestProbe<TenantProtocol.Command> entity = KIT.createTestProbe();
    private final List<PendingBatch> sentOn = Collections.synchronizedList(new ArrayList<>());

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    private GroupCommitSettings settings;

    private IngestInbox inbox(int groupMaxOps, int queueMaxBatches) {
        settings = new GroupCommitSettings(
                Duration.ofSeconds(10),
                Duration.ofSeconds(1),
                Duration.ofSeconds(2),
                groupMaxOps,
                queueMaxBatches,
                Duration.ofSeconds(10),
                Duration.ofSeconds(10),
                Duration.ofSeconds(1));
        return new IngestInbox(entity.ref(), "t", sentOn::add);
    }

    private static PendingBatch batch(String id, int ops) {
        List<IngestOp> list = new ArrayList<>();
        for (int i = 0; i < ops; i++) {
            list.add(new IngestOp(IngestOp.Kind.INSERT, "t", Map.of("k", (long) i), null));
        }
        long now = System.nanoTime();
        return new PendingBatch(new BatchRequest(list, id, 0), new CompletableFuture<>(), now + 10_000_000_000L, now);
    }

    @Test
    void theEntityIsToldOnceForBatchesThatArriveBeforeItTakesThem() {
        IngestInbox inbox = inbox(1000, 100);
        assertTrue(inbox.offer(batch("a", 1), settings));
        assertTrue(inbox.offer(batch("b", 1), settings));
        assertTrue(inbox.offer(batch("c", 1), settings));
        assertInstanceOf(TenantProtocol.DrainInbox.class, entity.receiveMessage());
        entity.expectNoMessage(A_WHILE);
        assertEquals(List.of("a", "b", "c"), ids(inbox.take()));
        entity.expectNoMessage(A_WHILE); // nothing left: the next batch tells it again
        assertTrue(inbox.offer(batch("d", 1), settings));
        assertInstanceOf(TenantProtocol.DrainInbox.class, entity.receiveMessage());
    }

    @Test
    void aGroupEndsBeforeTheBatchThatWouldPassItsOpsAndTheEntityIsToldOfTheRest() {
        IngestInbox inbox = inbox(10, 100);
        inbox.offer(batch("a", 4), settings);
        inbox.offer(batch("b", 6), settings);
        inbox.offer(batch("c", 1), settings);
        entity.receiveMessage();
        assertEquals(List.of("a", "b"), ids(inbox.take()));
        assertInstanceOf(TenantProtocol.DrainInbox.class, entity.receiveMessage()); // for c, after this group
        assertEquals(List.of("c"), ids(inbox.take()));
        assertEquals(List.of(), ids(inbox.take()));
    }

    @Test
    void aBatchLargerThanAGroupGoesAlone() {
        IngestInbox inbox = inbox(10, 100);
        inbox.offer(batch("big", 50), settings);
        inbox.offer(batch("small", 1), settings);
        assertEquals(List.of("big"), ids(inbox.take()));
        assertEquals(List.of("small"), ids(inbox.take()));
    }

    @Test
    void aFullInboxRefusesTheNextBatchAsOverloadAndKeepsTheOthers() {
        IngestInbox inbox = inbox(1000, 2);
        inbox.offer(batch("a", 1), settings);
        inbox.offer(batch("b", 1), settings);
        PendingBatch refused = batch("c", 1);
        assertTrue(inbox.offer(refused, settings), "answered here, not sent on");
        ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> refused.reply().get());
        assertInstanceOf(IngestOverloaded.class, failure.getCause());
        assertEquals(List.of("a", "b"), ids(inbox.take()));
    }

    @Test
    void aClosedInboxSendsWhatWaitedOnAndTakesNothingMore() {
        IngestInbox inbox = inbox(1000, 100);
        inbox.offer(batch("a", 1), settings);
        inbox.offer(batch("b", 1), settings);
        inbox.closeAndSendOn();
        assertEquals(List.of("a", "b"), ids(sentOn));
        assertFalse(inbox.offer(batch("c", 1), settings), "the sender goes through sharding");
        assertEquals(List.of(), ids(inbox.take()), "a DrainInbox still on its way finds nothing");
        inbox.reopen();
        assertTrue(inbox.offer(batch("d", 1), settings));
        assertEquals(List.of("d"), ids(inbox.take()));
    }

    private static List<String> ids(List<PendingBatch> batches) {
        synchronized (batches) {
            return batches.stream().map(b -> b.batch().batchId()).toList();
        }
    }
}
