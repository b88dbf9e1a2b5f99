package io.shardview.http.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TenantListingTest {
    @Test
    void tenantsAreNamedByTheirCircuitsShardsAndCopiesOfOtherRegionsShards() {
        TenantListing listing = TenantListing.of(
                List.of(
                        "tenant|shop",
                        "metrics|shop.3",
                        "metrics|fleet.copy@eu.west",
                        "metrics|fleet.copy@us",
                        "other|x"),
                new TenantListing.Page(10, null));
        assertEquals(
                List.of(new TenantListing.Tenant("fleet", false, true), new TenantListing.Tenant("shop", true, true)),
                listing.tenants());
    }
}
