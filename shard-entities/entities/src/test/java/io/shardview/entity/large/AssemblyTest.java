package io.shardview.entity.large;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Parts become whole per transfer, in order; a lost part, a slow transfer or too many bytes drop a transfer. */
class AssemblyTest {
    private final AtomicLong now = new AtomicLong(1_000);

    private static Part part(String transfer, int index, int count, int bytes) {
        return new Part(transfer, index, count, 1, "m", new byte[bytes], null);
    }

    @Test
    void interleavedTransfersAreEachMadeWholeInOrder() {
        Assembly assembly = new Assembly(1_000, 60_000, now::get);
        Part a0 = part("a", 0, 2, 10);
        Part b0 = part("b", 0, 3, 10);
        Part a1 = part("a", 1, 2, 5);
        assertNull(assembly.add(a0));
        assertNull(assembly.add(b0));
        assertEquals(20, assembly.bytes());
        assertEquals(List.of(a0, a1), assembly.add(a1));
        assertEquals(10, assembly.bytes());
        assertNull(assembly.add(part("b", 1, 3, 10)));
        assertEquals(3, assembly.add(part("b", 2, 3, 10)).size());
        assertEquals(0, assembly.bytes());
        assertEquals(0, assembly.dropped());
    }

    @Test
    void aTransferMissingAPartIsDroppedAndTheNextOneStillAssembles() {
        Assembly assembly = new Assembly(1_000, 60_000, now::get);
        assertNull(assembly.add(part("a", 0, 3, 10)));
        assertNull(assembly.add(part("a", 2, 3, 10)), "part 1 was lost");
        assertEquals(0, assembly.bytes());
        assertNull(assembly.add(part("b", 1, 2, 10)), "its first part was lost");
        assertEquals(2, assembly.dropped());
        assertNull(assembly.add(part("c", 0, 2, 10)));
        assertEquals(2, assembly.add(part("c", 1, 2, 10)).size());
    }

    @Test
    void aTransferOlderThanTheMaximumAgeIsDropped() {
        Assembly assembly = new Assembly(1_000, 60_000, now::get);
        assertNull(assembly.add(part("slow", 0, 2, 10)));
        now.addAndGet(60_001);
        assertNull(assembly.add(part("other", 0, 2, 10)));
        assertEquals(10, assembly.bytes(), "only the new transfer is held");
        assertNull(assembly.add(part("slow", 1, 2, 10)), "its start was dropped");
        assertEquals(2, assembly.dropped());
    }

    @Test
    void theOldestTransfersGoWhenTheBytesHeldPassTheBound() {
        Assembly assembly = new Assembly(100, 60_000, now::get);
        assertNull(assembly.add(part("old", 0, 2, 60)));
        assertNull(assembly.add(part("new", 0, 2, 60)));
        assertEquals(60, assembly.bytes(), "the oldest went to make room");
        assertEquals(1, assembly.dropped());
        assertEquals(2, assembly.add(part("new", 1, 2, 60)).size(), "a last part completes even past the bound");
    }
}
