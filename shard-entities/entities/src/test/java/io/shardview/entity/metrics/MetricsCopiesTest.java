package io.shardview.entity.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class MetricsCopiesTest {
    private static final List<String> REGIONS = List.of("us", "ap", "eu");

    @Test
    void eachRegionIsCopiedInTheNextInNameOrderAndRound() {
        assertEquals("eu", MetricsCopies.copyRegion("ap", REGIONS, Set.of()));
        assertEquals("us", MetricsCopies.copyRegion("eu", REGIONS, Set.of()));
        assertEquals("ap", MetricsCopies.copyRegion("us", REGIONS, Set.of()), "round: the last copies in the first");
    }

    @Test
    void aRegionDeclaredLostKeepsNoCopiesAndIsCopiedByTheNext() {
        assertEquals("us", MetricsCopies.copyRegion("ap", REGIONS, Set.of("eu")), "eu lost: ap's copies go on to us");
        assertEquals("us", MetricsCopies.copyRegion("eu", REGIONS, Set.of("eu")), "eu's own copy stays where it was");
        assertEquals("ap", MetricsCopies.copyRegion("us", REGIONS, Set.of("eu")));
        assertNull(MetricsCopies.copyRegion("us", List.of("us", "eu"), Set.of("eu")), "no other region stands");
        assertNull(MetricsCopies.copyRegion("default", List.of("default"), Set.of()), "one region: no copies");
    }

    @Test
    void aRegionsShardsAreCopiedInOneEntityNamingTheRegion() {
        String id = MetricsCopies.copyId("fleet", "eu");
        assertEquals("fleet.copy@eu", id);
        assertTrue(MetricsCopies.isCopy(id));
        assertFalse(MetricsCopies.isCopy(MetricsProtocol.entityId("fleet", 3)));
        TenantShards copy = new TenantShards("fleet", "us", "eu");
        assertEquals(1, copy.count(16));
        assertEquals("fleet.copy@eu", copy.entityId(0));
        TenantShards own = new TenantShards("fleet", "us");
        assertEquals(16, own.count(16));
        assertEquals("fleet.3", own.entityId(3));
    }
}
