package io.shardview.entity.tenant;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.typed.Cluster;

/**
 * The regions of the cluster as this node's tenant replicas see them, the replication settings
 * ({@code shardview.replication}, config/tenant.conf) and the lag of the replicas running here (docs/regions.md).
 * One per node, shared by its tenant entities.
 */
public final class Regions {
    /** Replication settings: see config/tenant.conf, {@code shardview.replication}. */
    public record Settings(
            Duration syncInterval,
            Duration syncMaxInterval,
            Duration homeLookupTimeout,
            int pullMaxEvents,
            long pullMaxBytes,
            int recentEvents,
            Duration confirmTimeout) {
        static Settings from(Config config) {
            Config c = config.getConfig("shardview.replication");
            return new Settings(
                    c.getDuration("sync-interval"),
                    c.getDuration("sync-max-interval"),
                    c.getDuration("home-lookup-timeout"),
                    c.getInt("pull-max-events"),
                    c.getBytes("pull-max-bytes"),
                    c.getInt("recent-events"),
                    c.hasPath("confirm-timeout") ? c.getDuration("confirm-timeout") : Duration.ofSeconds(5));
        }
    }

    /**
     * How far behind its home one replica running on this node is: versions, and milliseconds since it last knew it
     * had every event ({@code caughtUpAtMillis}; 0 while it knows it is current).
     */
    public record Lag(String home, long versions, long millis, long caughtUpAtMillis) {}

    private final ActorSystem<?> system;
    private final boolean clustered;
    private final String self;
    private final Settings settings;
    private final String readJournal;
    private final Map<String, Lag> lags = new ConcurrentHashMap<>();

    public Regions(ActorSystem<?> system) {
        this.system = system;
        Config config = system.settings().config();
        this.clustered = config.getString("pekko.actor.provider").equals("cluster");
        this.self = clustered ? Cluster.get(system).selfMember().dataCenter() : "default";
        this.settings = config.hasPath("shardview.replication") ? Settings.from(config) : null;
        this.readJournal = config.getString("pekko.persistence.journal.plugin").equals("jdbc-journal")
                ? "jdbc-read-journal"
                : null;
    }

    /** The region of this node. */
    public String self() {
        return self;
    }

    Settings settings() {
        return settings;
    }

    /** The plugin id of the read journal the home reads old events from, or null (a journal of one node). */
    String readJournal() {
        return readJournal;
    }

    /** The other regions that have members now, reachable or not. */
    List<String> others() {
        if (!clustered || settings == null) return List.of();
        var state = Cluster.get(system).state();
        Others known = others;
        if (known != null && known.state() == state) return known.regions();
        // A home asks after every group it writes: computed once for each state of the cluster, which changes only with
        // its membership and reachability.
        List<String> regions = state.getAllDataCenters().stream()
                .filter(region -> !region.equals(self))
                .sorted()
                .toList();
        others = new Others(state, regions);
        return regions;
    }

    /** The other regions, as computed from a state of the cluster. */
    private record Others(Object state, List<String> regions) {}

    private volatile Others others;

    /**
     * Whether {@code address} is this node or a member of this node's region (not a member, as far as this node knows:
     * false). A node's region never changes while its address lives.
     */
    boolean sameRegion(Address address) {
        if (!clustered || !address.hasGlobalScope()) return true; // a local actor's address names no host
        var state = Cluster.get(system).state();
        RegionOf known = regionOf;
        if (known == null || known.state() != state) {
            Map<Address, String> byAddress = new java.util.HashMap<>();
            state.getMembers().forEach(member -> byAddress.put(member.address(), member.dataCenter()));
            known = new RegionOf(state, byAddress);
            regionOf = known;
        }
        return self.equals(known.byAddress().get(address));
    }

    /** The region of each member, as of a state of the cluster. */
    private record RegionOf(Object state, Map<Address, String> byAddress) {}

    private volatile RegionOf regionOf;

    /** Whether this node sees region {@code region} as cut off (its failure detector says so). */
    boolean unreachable(String region) {
        return clustered
                && Cluster.get(system).state().getUnreachableDataCenters().contains(region);
    }

    private final java.util.concurrent.atomic.LongAdder pullsSent = new java.util.concurrent.atomic.LongAdder();

    /** A replica here asked its home for what it may have missed. */
    void pullSent() {
        pullsSent.increment();
    }

    /** How many times replicas on this node asked their homes for what they may have missed (each a WAN message). */
    public long pullsSent() {
        return pullsSent.sum();
    }

    void reportLag(String tenant, Lag lag) {
        if (lag == null) lags.remove(tenant);
        else lags.put(tenant, lag);
    }

    /** Called with each replicated event's delay from its home to its persisting here, in milliseconds. */
    void recordDelay(long millis) {
        DelayListener listener = delayListener;
        if (listener != null) listener.delay(millis);
    }

    private final java.util.concurrent.atomic.LongAdder syncRefused = new java.util.concurrent.atomic.LongAdder();
    private final java.util.concurrent.atomic.LongAdder syncUnconfirmed = new java.util.concurrent.atomic.LongAdder();

    /** A write to a sync tenant at its home here was refused: too few regions could confirm it. */
    void syncRefused() {
        syncRefused.increment();
    }

    /** A write to a sync tenant at its home here was answered 504: too few regions confirmed it in time. */
    void syncUnconfirmed() {
        syncUnconfirmed.increment();
    }

    /** Writes to sync tenants at their homes on this node refused 503 insufficient_regions. */
    public long syncRefusedWrites() {
        return syncRefused.sum();
    }

    /** Writes to sync tenants at their homes on this node answered 504 unconfirmed. */
    public long syncUnconfirmedWrites() {
        return syncUnconfirmed.sum();
    }

    /** Called with how long each answer of a sync tenant's home here waited for other regions, in milliseconds. */
    void recordConfirmWait(long millis) {
        DelayListener listener = confirmListener;
        if (listener != null) listener.delay(millis);
    }

    private volatile DelayListener confirmListener;

    /** Receives the waits of sync tenants' answers for other regions (the node's histogram). */
    public void onConfirmWait(DelayListener listener) {
        this.confirmListener = listener;
    }

    /** Receives replication delays (the node's histogram). */
    public interface DelayListener {
        void delay(long millis);
    }

    private volatile DelayListener delayListener;

    public void onDelay(DelayListener listener) {
        this.delayListener = listener;
    }

    /**
     * The lag of every replica following a home in another region, running on this node, by tenant, as of now: one
     * that reported itself current counts from when it was caught up once its home region is cut off, since an idle
     * replica reports at its next tick, which may be backed off for many seconds ({@link SyncBackoff}).
     */
    public Map<String, Lag> lags() {
        Map<String, Lag> now = new java.util.HashMap<>(lags.size());
        long nowMillis = System.currentTimeMillis();
        lags.forEach((tenant, lag) -> now.put(
                tenant,
                lag.millis() == 0 && unreachable(lag.home())
                        ? new Lag(
                                lag.home(),
                                lag.versions(),
                                Math.max(0, nowMillis - lag.caughtUpAtMillis()),
                                lag.caughtUpAtMillis())
                        : lag));
        return now;
    }
}
