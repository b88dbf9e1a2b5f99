package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChangeHistoryTest {
    static ViewChange change(long previous, long version, int rows) {
        List<List<Object>> inserted = java.util.Collections.nCopies(rows, List.<Object>of(version));
        return new ViewChange("t", "v", version, previous, List.of("x"), inserted, List.of(), "h" + version);
    }

    private static List<Long> versions(ChangeReplay replay) {
        return ((ChangeReplay.Changes) replay)
                .changes().stream().map(ViewChange::version).toList();
    }

    @Test
    void changesAfterAVersionComeBackInOrderWhetherOrNotThatVersionTouchedTheView() {
        ChangeHistory history = new ChangeHistory(2, 100, 1000);
        history.append(change(2, 3, 1));
        history.append(change(3, 7, 1));
        history.append(change(7, 8, 1));
        assertEquals(List.of(3L, 7L, 8L), versions(history.since("v", 2)));
        assertEquals(List.of(7L, 8L), versions(history.since("v", 5)));
        assertEquals(List.of(), versions(history.since("v", 8)));
        assertEquals(List.of(), versions(history.since("v", 100)));
        assertEquals(8, ((ChangeReplay.Changes) history.since("v", 2)).upTo());
    }

    @Test
    void evictingTheOldestChangeMakesVersionsBeforeItGone() {
        ChangeHistory history = new ChangeHistory(0, 2, 1000);
        history.append(change(0, 1, 1));
        history.append(change(1, 2, 1));
        history.append(change(2, 3, 1));
        assertEquals(1, history.horizon());
        ChangeReplay.Gone gone = assertInstanceOf(ChangeReplay.Gone.class, history.since("v", 0));
        assertEquals(1, gone.oldestResumable());
        assertEquals(List.of(2L, 3L), versions(history.since("v", 1)));
    }

    @Test
    void rowBoundEvictsButAlwaysKeepsTheNewestChange() {
        ChangeHistory history = new ChangeHistory(0, 100, 10);
        history.append(change(0, 1, 6));
        history.append(change(1, 2, 6));
        assertEquals(List.of(2L), versions(history.since("v", 1)));
        history.append(change(2, 3, 50));
        assertEquals(List.of(3L), versions(history.since("v", 2)));
        assertEquals(2, history.horizon());
    }

    @Test
    void aChangeThatDoesNotFollowTheLastIsRefused() {
        ChangeHistory history = new ChangeHistory(0, 10, 10);
        history.append(change(0, 4, 1));
        assertThrows(IllegalArgumentException.class, () -> history.append(change(3, 5, 1)));
    }

    @Test
    void restoredHistoryAnswersAsTheOriginal() {
        ChangeHistory history = new ChangeHistory(0, 2, 1000);
        for (long v = 1; v <= 5; v++) history.append(change(v - 1, v, 1));
        ChangeHistory restored =
                ChangeHistory.restore(history.horizon(), history.lastVersion(), history.retained(), 2, 1000);
        for (long from = 0; from <= 6; from++) {
            assertEquals(history.since("v", from), restored.since("v", from), "from " + from);
        }
    }
}
