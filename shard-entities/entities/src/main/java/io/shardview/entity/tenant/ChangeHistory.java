package io.shardview.entity.tenant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The recent changes of one view, so that a subscriber resuming from version N receives every
 * change after N exactly once, or learns that N is too old.
 *
 * <p>Invariant: every change with a version greater than {@link #horizon()} is retained, in order.
 * Evicting the oldest change moves the horizon up to its version. Bounded by a number of changes and
 * a number of rows, whichever is reached first; the newest change is always kept.
 */
public final class ChangeHistory {
    private final int maxChanges;
    private final long maxRows;
    private final ArrayDeque<ViewChange> changes = new ArrayDeque<>();
    private long horizon;
    private long lastVersion;
    private long rows;

    /**
     * @param createdAtVersion the version at which the view was created: resuming from it or later is possible
     */
    public ChangeHistory(long createdAtVersion, int maxChanges, long maxRows) {
        if (maxChanges < 1 || maxRows < 0) throw new IllegalArgumentException("history bounds must be positive");
        this.horizon = createdAtVersion;
        this.lastVersion = createdAtVersion;
        this.maxChanges = maxChanges;
        this.maxRows = maxRows;
    }

    /** Records the view's next change; its previous version must be the last one recorded. */
    public void append(ViewChange change) {
        if (change.previousVersion() != lastVersion) {
            throw new IllegalArgumentException("change " + change.version() + " follows " + change.previousVersion()
                    + " but the history of " + change.view() + " ends at " + lastVersion);
        }
        changes.addLast(change);
        rows += change.rowCount();
        lastVersion = change.version();
        while (changes.size() > 1 && (changes.size() > maxChanges || rows > maxRows)) {
            ViewChange evicted = changes.removeFirst();
            rows -= evicted.rowCount();
            horizon = evicted.version();
        }
    }

    /** Every retained change after {@code from}, or Gone if some change after it is no longer retained. */
    public ChangeReplay since(String view, long from) {
        if (from < horizon) return new ChangeReplay.Gone(view, from, horizon);
        List<ViewChange> after = new ArrayList<>();
        for (Iterator<ViewChange> it = changes.descendingIterator(); it.hasNext(); ) {
            ViewChange change = it.next();
            if (change.version() <= from) break;
            after.add(change);
        }
        java.util.Collections.reverse(after);
        return new ChangeReplay.Changes(view, after, lastVersion);
    }

    /** Oldest version a subscriber can resume from. */
    public long horizon() {
        return horizon;
    }

    /** Version of the view's latest change (its creation version if none). */
    public long lastVersion() {
        return lastVersion;
    }

    /** Rows of the retained changes. */
    public long rows() {
        return rows;
    }

    /** Retained changes, oldest first (for snapshots). */
    public List<ViewChange> retained() {
        return List.copyOf(changes);
    }

    /** Restores a history from a snapshot's fields. */
    public static ChangeHistory restore(
            long horizon, long lastVersion, List<ViewChange> retained, int maxChanges, long maxRows) {
        // the first retained change follows the last evicted one, whose version is the horizon
        ChangeHistory history = new ChangeHistory(horizon, maxChanges, maxRows);
        for (ViewChange change : retained) history.append(change);
        if (history.lastVersion != lastVersion) {
            throw new IllegalArgumentException(
                    "snapshot history ends at " + history.lastVersion + ", expected " + lastVersion);
        }
        return history;
    }
}
