package io.shardview.entity.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.entity.tenant.TenantProtocol;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** A message larger than a part is cut into parts under it and made whole again, reply ref included. */
class LargeMessagesTest {
    static ActorTestKit kit;

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create(com.typesafe.config.ConfigFactory.parseString(
                        "pekko.actor.serialization-bindings {\"io.shardview.entity.CborSerializable\" = jackson-cbor}")
                .withFallback(com.typesafe.config.ConfigFactory.load()));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    private static TenantProtocol.IngestMany ingest(int rows, TestProbe<TenantProtocol.IngestResults> probe) {
        List<TenantProtocol.IngestOp> ops = new ArrayList<>();
        for (long i = 0; i < rows; i++)
            ops.add(new TenantProtocol.IngestOp(
                    TenantProtocol.IngestOp.Kind.INSERT, "t", Map.of("id", i, "body", "z".repeat(100)), null));
        return new TenantProtocol.IngestMany(List.of(new TenantProtocol.BatchRequest(ops, "b", 0)), probe.getRef());
    }

    @Test
    void aMessageSmallerThanAPartIsNotCut() {
        TestProbe<TenantProtocol.IngestResults> probe = kit.createTestProbe();
        assertNull(Part.cut(kit.system(), ingest(10, probe), null, 64 * 1024));
    }

    @Test
    void aLargeMessageIsCutUnderThePartSizeAndMadeWholeEqual() {
        TestProbe<TenantProtocol.IngestResults> probe = kit.createTestProbe();
        TenantProtocol.IngestMany message = ingest(5_000, probe);
        int partBytes = 64 * 1024;

        List<Part> parts = Part.cut(kit.system(), message, probe.getRef(), partBytes);

        assertTrue(parts.size() > 5, "cut into " + parts.size());
        Assembly assembly = LargeMessages.assembly();
        List<Part> whole = null;
        for (Part part : parts) {
            assertTrue(part.bytes().length <= partBytes);
            assertEquals(part.last() ? probe.getRef() : null, part.target());
            whole = assembly.add(part);
        }
        assertEquals(message, Part.whole(kit.system(), whole));
    }

    @Test
    void theReassemblerTellsTheWholeMessageToItsTarget() {
        TestProbe<TenantProtocol.IngestResults> probe = kit.createTestProbe();
        TenantProtocol.IngestResults results = new TenantProtocol.IngestResults(java.util.Collections.nCopies(
                20_000, new TenantProtocol.Ingested(7, 1, Map.of("v", new TenantProtocol.ViewCount(1, 0)), false)));
        List<Part> parts = Part.cut(kit.system(), results, probe.getRef(), 16 * 1024);
        var reassembler = kit.spawn(LargeMessages.reassembler());
        parts.forEach(reassembler::tell);
        assertEquals(results, probe.receiveMessage());
    }

    @Test
    void aReplyToAnActorOfThisNodeGoesAsItIs() {
        TestProbe<TenantProtocol.IngestResults> probe = kit.createTestProbe();
        TenantProtocol.IngestResults results = new TenantProtocol.IngestResults(List.of());
        LargeMessages.tell(kit.system(), probe.getRef(), results);
        assertSame(results, probe.receiveMessage());
    }
}
