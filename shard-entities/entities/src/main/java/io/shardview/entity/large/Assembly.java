package io.shardview.entity.large;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * The parts of large messages received so far, per transfer, until each is whole. Parts of one transfer come from one
 * sender over one path, so in order: a part out of order (one before it was lost, e.g. while a shard moved) drops the
 * transfer, and its sender's ask times out as for any lost message. Bounded: transfers older than {@code maxAgeMillis}
 * are dropped, and so are the oldest when the bytes held would pass {@code maxBytes}.
 */
public final class Assembly {
    private final long maxBytes;
    private final long maxAgeMillis;
    private final LongSupplier clock;
    private final LinkedHashMap<String, Pending> pending = new LinkedHashMap<>();
    private long bytes;
    private long dropped;

    /** A transfer begun: its parts so far, their bytes, and when its first part came. */
    private static final class Pending {
        final List<Part> parts = new ArrayList<>();
        final long startedMillis;
        long bytes;

        Pending(long startedMillis) {
            this.startedMillis = startedMillis;
        }
    }

    public Assembly(long maxBytes, long maxAgeMillis, LongSupplier clock) {
        this.maxBytes = maxBytes;
        this.maxAgeMillis = maxAgeMillis;
        this.clock = clock;
    }

    /** Adds a part; returns every part of its transfer, in order, once this was its last; else null. */
    public List<Part> add(Part part) {
        long now = clock.getAsLong();
        expire(now);
        Pending transfer = pending.get(part.transfer());
        if (transfer == null) {
            if (part.index() != 0) return drop(part.transfer(), null); // its first parts were lost
            transfer = new Pending(now);
            pending.put(part.transfer(), transfer);
        } else if (part.index() != transfer.parts.size()) {
            return drop(part.transfer(), transfer);
        }
        transfer.parts.add(part);
        transfer.bytes += part.bytes().length;
        bytes += part.bytes().length;
        if (part.last()) {
            pending.remove(part.transfer());
            bytes -= transfer.bytes;
            return transfer.parts;
        }
        while (bytes > maxBytes && !pending.isEmpty()) {
            String oldest = pending.keySet().iterator().next();
            drop(oldest, pending.get(oldest));
        }
        return null;
    }

    /**
     * Adds a part received by {@code receiver}; returns the whole message once this was its transfer's last part, or
     * null (more parts to come, or the message could not be read: logged and dropped, as a lost message would be).
     */
    public Object receive(
            Part part, org.apache.pekko.actor.typed.ActorSystem<?> system, org.slf4j.Logger log, String receiver) {
        List<Part> whole = add(part);
        if (whole == null) return null;
        try {
            return Part.whole(system, whole);
        } catch (RuntimeException e) {
            log.warn("{}: a large message could not be read; dropped", receiver, e);
            return null;
        }
    }

    /** Bytes held in unfinished transfers. */
    public long bytes() {
        return bytes;
    }

    /** Transfers dropped so far (a part lost, too old, or no room). */
    public long dropped() {
        return dropped;
    }

    private void expire(long now) {
        for (Iterator<Pending> it = pending.values().iterator(); it.hasNext(); ) {
            Pending transfer = it.next();
            if (now - transfer.startedMillis <= maxAgeMillis) break; // in the order they began
            it.remove();
            bytes -= transfer.bytes;
            dropped++;
        }
    }

    private List<Part> drop(String id, Pending transfer) {
        if (transfer != null) {
            pending.remove(id);
            bytes -= transfer.bytes;
        }
        dropped++;
        return null;
    }
}
