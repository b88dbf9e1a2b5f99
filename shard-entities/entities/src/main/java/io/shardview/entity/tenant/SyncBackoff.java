package io.shardview.entity.tenant;

/**
 * How often a following replica asks its home region for what it may have missed (docs/regions.md). A replica that
 * has every event and hears nothing new asks less and less often, doubling the wait up to {@code max}; the home's
 * next push with events brings it back to {@code base} at once. So a thousand idle replicas send a few messages a
 * minute across the WAN instead of a thousand a second, and a busy one is as quick as before.
 *
 * <p>A lost push is still found: the next push shows the gap, and while the home is idle the next ask at most
 * {@code max} later does. A home region that cannot be reached keeps the wait at {@code base} (an ask then sends
 * nothing), so the replica asks within a second once it can be reached again. Owned by one entity; not thread-safe.
 */
final class SyncBackoff {
    private final long baseMillis;
    private final long maxMillis;
    private long delayMillis;
    /** Whether events this replica did not have arrived since the last tick. */
    private boolean news;

    SyncBackoff(long baseMillis, long maxMillis) {
        this.baseMillis = baseMillis;
        this.maxMillis = Math.max(baseMillis, maxMillis);
        this.delayMillis = baseMillis;
    }

    /** How long until the next tick. */
    long delayMillis() {
        return delayMillis;
    }

    /**
     * Events this replica did not have arrived (or a gap showed some are missing): it waits the base delay again.
     * Returns whether it was waiting longer, so that the tick already set is brought forward.
     */
    boolean news() {
        news = true;
        boolean backedOff = delayMillis > baseMillis;
        delayMillis = baseMillis;
        return backedOff;
    }

    /** Whether events arrived since the last tick: the home is in contact and nothing needs asking. */
    boolean newsSinceLastTick() {
        return news;
    }

    /**
     * A tick: returns the delay until the next one. Doubled (up to the max) when the replica is {@code quiet}: it has
     * every event the home said it had, the home can be reached, and nothing new came since the last tick.
     */
    long tick(boolean quiet) {
        delayMillis = quiet && !news ? Math.min(maxMillis, delayMillis * 2) : baseMillis;
        news = false;
        return delayMillis;
    }

    /**
     * Whether having heard from the home {@code sinceHeardMillis} ago still counts as being in contact: within two
     * waits of the current one (a backed-off replica hears from its home once a wait).
     */
    boolean inContact(long sinceHeardMillis) {
        return sinceHeardMillis < 2 * delayMillis;
    }
}
