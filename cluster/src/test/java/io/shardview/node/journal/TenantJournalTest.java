package io.shardview.node.journal;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.entity.rules.RulesProtocol.GroupId;
import org.junit.jupiter.api.Test;

/** A tenant's persistence ids, and none of another tenant whose name begins the same. */
class TenantJournalTest {
    @Test
    void aTenantOwnsItsCircuitMetricsMetadataAndRules() {
        assertTrue(TenantJournal.owns("tenant|shop", "shop"));
        assertTrue(TenantJournal.owns("metrics|shop.3", "shop"));
        assertTrue(TenantJournal.owns("metrics-metadata|shop", "shop"));
        assertTrue(TenantJournal.owns("rules|shop", "shop"));
        assertTrue(TenantJournal.owns("rule-group|" + new GroupId("shop", "api v1", "a/b").entityId(), "shop"));
        assertFalse(TenantJournal.owns("tenant|shop2", "shop"));
        assertFalse(TenantJournal.owns("metrics|shop2.3", "shop"));
        assertFalse(TenantJournal.owns("rules|shop2", "shop"));
        assertFalse(TenantJournal.owns("rule-group|" + new GroupId("shop2", "api", "a").entityId(), "shop"));
        assertFalse(TenantJournal.owns("token-registry|shop", "shop"));
    }
}
