package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Pushes to other regions are cut under remoting's frame size, keeping the events' order. */
class TenantReplicaSlicesTest {
    private static TenantEvent batch(long version, int deltaBytes) {
        return new TenantEvent.BatchApplied(version, "b" + version, 1, new byte[deltaBytes]);
    }

    @Test
    void eventsAreCutIntoRunsUnderTheLimitInOrderAndALargeOneTravelsAlone() {
        List<TenantEvent> events = new ArrayList<>();
        for (long v = 1; v <= 10; v++) events.add(batch(v, 936)); // 1,000 bytes each as counted
        events.add(batch(11, 5_000)); // larger than the limit
        events.add(batch(12, 936));

        List<List<TenantEvent>> slices = TenantReplica.slices(events, 3_000);

        List<Integer> sizes = slices.stream().map(List::size).toList();
        assertEquals(List.of(3, 3, 3, 1, 1, 1), sizes);
        List<TenantEvent> joined = slices.stream().flatMap(List::stream).toList();
        assertEquals(events, joined, "every event once, in order");
        assertEquals(List.of(List.of(events.get(0))), TenantReplica.slices(events.subList(0, 1), 1));
        assertEquals(List.of(), TenantReplica.slices(List.of(), 3_000));
    }
}
