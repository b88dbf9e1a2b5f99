package io.shardview.entity.tenant;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;

/**
 * The regions an operator declared lost, as this node knows them (docs/regions.md, "Failover"), and where this node
 * sets aside what its tenants wrote past a failover. Kept by the node (the cluster module records declarations in the
 * region's database and spreads them to every node); read by the tenant replicas:
 *
 * <ul>
 *   <li>a replica in a surviving region whose home is a lost region takes the home over at its next write;
 *   <li>a replica of a region that was ever declared lost does not act as home on its events alone: it first asks the
 *       other regions whether a newer home took its place, and follows it if one did;
 *   <li>until this node has heard from the other regions which regions are lost ({@link #known}), no replica here acts
 *       as home on its events alone either.
 * </ul>
 */
public final class LostRegions implements Extension {
    /** Sets aside a tenant's events after a sequence number (the region's journal): their count, when done. */
    public interface SetAside {
        CompletionStage<Integer> setAside(String persistenceId, long after, String newHome, long epoch);
    }

    private volatile Set<String> lost = Set.of();
    private volatile Set<String> everLost = Set.of();
    private volatile boolean known = true;
    private volatile SetAside setAside = (id, after, home, epoch) ->
            CompletableFuture.failedFuture(new IllegalStateException("this node's journal cannot set events aside"));

    private static final ExtensionId<LostRegions> ID = new ExtensionId<>() {
        @Override
        public LostRegions createExtension(ActorSystem<?> system) {
            return new LostRegions();
        }
    };

    public static LostRegions get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    /** The regions declared lost now, and every region declared lost once (readmitted or not). */
    public void set(Set<String> lostNow, Set<String> lostEver) {
        this.lost = Set.copyOf(lostNow);
        this.everLost = Set.copyOf(lostEver);
    }

    /** Whether this node knows which regions are lost: false from its start until it heard from another region. */
    public void known(boolean known) {
        this.known = known;
    }

    public boolean known() {
        return known;
    }

    public Set<String> lost() {
        return lost;
    }

    public boolean lost(String region) {
        return region != null && lost.contains(region);
    }

    /** Whether {@code region} was ever declared lost (its replicas check they are still home before writing). */
    public boolean everLost(String region) {
        return everLost.contains(region);
    }

    private volatile String cutOff;

    /**
     * Whether this node's region has heard from fewer than a majority of the cluster's regions for a while (three
     * regions or more, automatic failover on): its tenants' homes refuse writes, since a majority may take them over.
     * {@code why} says so, null when it is not cut off.
     */
    public void cutOff(String why) {
        this.cutOff = why;
    }

    /** Why this node's region is cut off from a majority of the regions, or null when it is not. */
    public String cutOff() {
        return cutOff;
    }

    private volatile Set<String> silent = Set.of();

    /**
     * The other regions this node has not heard from for a few seconds (its pings went unanswered): a write whose
     * home is there is refused at once (503) rather than sent to wait out its timeout, and nothing is pushed there.
     * Pekko's cross-region failure detector says the same later (about 23 s with the shipped settings).
     */
    public void silent(Set<String> regions) {
        this.silent = Set.copyOf(regions);
    }

    public boolean silent(String region) {
        return silent.contains(region);
    }

    public void onSetAside(SetAside setAside) {
        this.setAside = setAside;
    }

    CompletionStage<Integer> setAside(String persistenceId, long after, String newHome, long epoch) {
        return setAside.setAside(persistenceId, after, newHome, epoch);
    }
}
