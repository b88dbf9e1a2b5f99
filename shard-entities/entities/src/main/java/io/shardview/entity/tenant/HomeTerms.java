package io.shardview.entity.tenant;

import java.util.ArrayList;
import java.util.List;

/**
 * The history of a tenant's homes (docs/regions.md, "Failover"): each term is one region's time as home, from the
 * sequence number of the event that made it home. Every replica holds the same history, since it comes from the
 * events ({@link TenantEvent.HomeSet}). A term is named by its epoch and its region together: a move raises the epoch
 * by one, a failover by two, so a failover never reuses the epoch of a move the lost home may have written and not
 * pushed. Two replicas whose last terms differ share their events up to the end of the older term in the newer
 * history ({@link #commonEnd}): what one of them holds past that point was written by a home that had lost its place,
 * and is set aside (Kafka's leader epochs do the same for its replicas).
 *
 * @param terms in order; empty for a tenant that never had a home set (one region)
 */
public record HomeTerms(List<Term> terms) {
    /** A term: {@code region} home from sequence number {@code start} (-1 when a log from before terms did not say). */
    public record Term(long epoch, String region, long start) {}

    public static final HomeTerms NONE = new HomeTerms(List.of());

    public HomeTerms {
        terms = List.copyOf(terms);
    }

    /** The epoch of the current home: 0 before any home was set. */
    public long epoch() {
        return terms.isEmpty() ? 0 : terms.get(terms.size() - 1).epoch();
    }

    /** The current term, or null before any. */
    public Term last() {
        return terms.isEmpty() ? null : terms.get(terms.size() - 1);
    }

    /** The history with {@code event}, persisted at sequence number {@code after + 1}, added. */
    HomeTerms with(TenantEvent.HomeSet event) {
        long epoch = event.epoch() > 0 ? event.epoch() : epoch() + 1; // a home-set.v1 of before epochs
        long start = event.epoch() > 0 ? event.after() + 1 : -1;
        List<Term> more = new ArrayList<>(terms);
        more.add(new Term(epoch, event.region(), start));
        return new HomeTerms(more);
    }

    /**
     * The last sequence number a replica whose last term is {@code epoch} of {@code region} shares with this history:
     * the start of the first later term here, less one; {@link Long#MAX_VALUE} when that term is this history's last
     * (it lacks only newer events) or when this history cannot say (a term from before terms had no start).
     */
    long commonEnd(long epoch, String region) {
        for (int i = 0; i < terms.size(); i++) {
            Term term = terms.get(i);
            boolean same = term.epoch() == epoch && term.region().equals(region);
            if (same) {
                if (i + 1 == terms.size()) return Long.MAX_VALUE;
                long next = terms.get(i + 1).start();
                return next < 0 ? Long.MAX_VALUE : next - 1;
            }
            if (term.epoch() >= epoch) return term.start() < 0 ? Long.MAX_VALUE : term.start() - 1;
        }
        return Long.MAX_VALUE; // the replica's term is newer than any here: this history is behind, not apart
    }
}
