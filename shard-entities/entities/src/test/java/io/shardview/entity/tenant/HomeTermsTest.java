package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HomeTermsTest {
    private static TenantEvent.HomeSet home(String region, long epoch, long after, String lost) {
        return new TenantEvent.HomeSet(0, region, epoch, after, lost);
    }

    @Test
    void aReplicaOfTheLastTermSharesEverythingAndOneOfAnOlderTermSharesUpToTheNextStart() {
        // eu created the tenant (epoch 1, from seq 1), moved it to us at seq 50 (epoch 2), us was lost and ap took
        // over after seq 80 (epoch 4: a failover skips the epoch a move of the lost home might have used).
        HomeTerms terms = HomeTerms.NONE
                .with(home("eu", 1, 0, null))
                .with(home("us", 2, 49, null))
                .with(home("ap", 4, 80, "us"));
        assertEquals(4, terms.epoch());
        assertEquals(new HomeTerms.Term(4, "ap", 81), terms.last());
        assertEquals(Long.MAX_VALUE, terms.commonEnd(4, "ap"));
        assertEquals(80, terms.commonEnd(2, "us")); // us's events after 80 were never ap's
        assertEquals(49, terms.commonEnd(1, "eu"));
        assertEquals(0, terms.commonEnd(0, null)); // a replica that never saw a home shares nothing written
    }

    @Test
    void aTermOfTheSameEpochInAnotherRegionIsNotShared() {
        // The lost home eu moved the tenant to us at seq 30 (epoch 2) but us never got that event; ap took over
        // after its seq 20 with epoch 3. A replica whose last term is (2, us) shares up to 20 only.
        HomeTerms terms = HomeTerms.NONE.with(home("eu", 1, 0, null)).with(home("ap", 3, 20, "eu"));
        assertEquals(20, terms.commonEnd(2, "us"));
        assertEquals(20, terms.commonEnd(1, "eu"));
    }

    @Test
    void aNewerTermThanTheHistoryKnowsMeansTheHistoryIsBehind() {
        HomeTerms terms = HomeTerms.NONE.with(home("eu", 1, 0, null));
        assertEquals(Long.MAX_VALUE, terms.commonEnd(3, "us"));
    }

    @Test
    void homeSetEventsFromBeforeEpochsCountOnButCannotBeCut() {
        HomeTerms legacy = HomeTerms.NONE.with(home("eu", 0, 0, null)).with(home("us", 0, 0, null));
        assertEquals(2, legacy.epoch());
        assertEquals(Long.MAX_VALUE, legacy.commonEnd(1, "eu")); // the move's start is unknown: nothing is cut
        HomeTerms after = legacy.with(home("ap", 4, 70, "us"));
        assertEquals(70, after.commonEnd(2, "us"));
    }
}
