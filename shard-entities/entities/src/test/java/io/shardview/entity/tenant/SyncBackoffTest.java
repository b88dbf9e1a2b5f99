package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SyncBackoffTest {
    @Test
    void aQuietReplicaWaitsTwiceAsLongAtEachTickUpToTheMax() {
        SyncBackoff backoff = new SyncBackoff(1_000, 30_000);
        assertEquals(1_000, backoff.delayMillis());
        long[] expected = {2_000, 4_000, 8_000, 16_000, 30_000, 30_000};
        for (long delay : expected) assertEquals(delay, backoff.tick(true));
    }

    @Test
    void eventsBringItBackToTheBaseAndSayTheTickMustComeSooner() {
        SyncBackoff backoff = new SyncBackoff(1_000, 30_000);
        backoff.tick(true);
        backoff.tick(true); // waiting 4 s
        assertTrue(backoff.news(), "it was backed off: the tick set 4 s ahead is brought forward");
        assertEquals(1_000, backoff.delayMillis());
        assertFalse(backoff.news(), "already at the base");
        assertTrue(backoff.newsSinceLastTick());
        assertEquals(1_000, backoff.tick(true), "events since the last tick: not quiet, whatever the caller says");
        assertFalse(backoff.newsSinceLastTick(), "each tick starts a new count");
        assertEquals(2_000, backoff.tick(true));
    }

    @Test
    void aReplicaBehindOrCutOffFromItsHomeTicksAtTheBase() {
        SyncBackoff backoff = new SyncBackoff(1_000, 30_000);
        backoff.tick(true);
        backoff.tick(true);
        assertEquals(1_000, backoff.tick(false), "not quiet (behind, or its home unreachable): back to the base");
        assertEquals(2_000, backoff.tick(true));
    }

    @Test
    void contactCountsForTwoOfTheCurrentWaits() {
        SyncBackoff backoff = new SyncBackoff(1_000, 30_000);
        assertTrue(backoff.inContact(1_999));
        assertFalse(backoff.inContact(2_000));
        for (int i = 0; i < 5; i++) backoff.tick(true); // 30 s
        assertTrue(backoff.inContact(59_999), "a backed-off replica hears from its home once a wait");
        assertFalse(backoff.inContact(60_000));
    }

    @Test
    void aMaxBelowTheBaseNeverBacksOff() {
        SyncBackoff backoff = new SyncBackoff(1_000, 500);
        assertEquals(1_000, backoff.tick(true));
    }
}
