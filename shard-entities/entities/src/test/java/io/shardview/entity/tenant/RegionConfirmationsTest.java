package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegionConfirmationsTest {
    private final List<Long> waits = new ArrayList<>();
    private final RegionConfirmations confirmations = new RegionConfirmations(waits::add, heard -> Integer.MAX_VALUE);
    private final List<String> ran = new ArrayList<>();

    private Runnable note(String what) {
        return () -> ran.add(what);
    }

    @Test
    void inAsyncModeNothingWaits() {
        confirmations.mode(Replication.ASYNC, 0);
        confirmations.whenConfirmed(5, note("5"), note("timeout"));
        assertEquals(List.of("5"), ran);
        assertFalse(confirmations.waiting());
        assertEquals(List.of("us"), confirmations.keepingUp(List.of("us"), 0));
    }

    @Test
    void anAnswerWaitsUntilEnoughRegionsJournaledItsEventsAndAnswersKeepTheirOrder() {
        confirmations.mode(Replication.sync(2), 3); // events up to 3 came before: confirmed
        confirmations.whenConfirmed(3, note("3"), null);
        assertEquals(List.of("3"), ran);
        confirmations.whenConfirmed(4, note("4"), null);
        confirmations.whenConfirmed(6, note("6"), null);
        confirmations.whenConfirmed(5, note("5 after 6"), null); // behind the 6, in order
        assertFalse(confirmations.journaled("eu", 6), "one region of two");
        assertEquals(List.of("3"), ran);
        assertTrue(confirmations.journaled("ap", 4));
        assertEquals(List.of("3", "4"), ran);
        assertTrue(confirmations.journaled("ap", 9));
        assertEquals(List.of("3", "4", "6", "5 after 6"), ran);
        assertFalse(confirmations.waiting());
        assertEquals(3, waits.size(), "each answer that waited is timed");
    }

    @Test
    void aRegionThatLeftAWriteUnconfirmedPastTheTimeoutStopsCountingUntilItCatchesUp() {
        confirmations.mode(Replication.sync(1), 0);
        List<String> reachable = List.of("ap", "eu");
        assertEquals(reachable, confirmations.keepingUp(reachable, 0), "not heard from yet: both count");
        confirmations.whenConfirmed(1, note("1"), note("1 unconfirmed"));
        confirmations.journaled("eu", 0);
        assertEquals(List.of(), confirmations.keepingUp(reachable, 0), "neither has event 1");
        assertEquals(reachable, confirmations.keepingUp(reachable, 60_000), "within the timeout: both still count");
        confirmations.expire(0);
        assertEquals(List.of("1 unconfirmed"), ran);
        confirmations.expire(0);
        assertEquals(List.of("1 unconfirmed"), ran, "given up once");
        assertTrue(confirmations.journaled("eu", 1));
        assertEquals(List.of("1 unconfirmed", "1"), ran, "the confirmation still comes");
        assertEquals(reachable, confirmations.keepingUp(reachable, 0), "nothing waits");
    }

    @Test
    void theRegionsThatHaveNotJournaledWhatAnswersWaitForAreTheOnesToRemind() {
        confirmations.mode(Replication.sync(1), 0);
        List<String> reachable = List.of("ap", "eu");
        assertEquals(List.of(), confirmations.behind(reachable), "nothing waits");
        confirmations.journaled("eu", 3);
        confirmations.whenConfirmed(5, note("5"), null);
        assertEquals(reachable, confirmations.behind(reachable));
        confirmations.journaled("ap", 5);
        assertEquals(List.of("5"), ran);
        assertEquals(List.of(), confirmations.behind(reachable), "answered: nobody to remind");
    }

    @Test
    void switchingToAsyncAnswersWhatWaited() {
        confirmations.mode(Replication.sync(1), 0);
        confirmations.whenConfirmed(2, note("2"), null);
        confirmations.mode(Replication.ASYNC, 2);
        assertEquals(List.of("2"), ran);
    }
}
