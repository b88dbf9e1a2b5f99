package io.shardview.entity.tenant;

import io.shardview.entity.AdvertisedUrl;
import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestReply;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Extension;
import org.apache.pekko.actor.typed.ExtensionId;
import org.apache.pekko.actor.typed.Props;

/**
 * Group commit for ingest, one per node. A batch for a tenant whose entity runs on this node, its home, goes straight
 * into the entity's {@link IngestInbox}, which the entity empties a group at a time. For any other tenant, this node
 * keeps at most one group of batches in flight to the tenant's entity through sharding ({@link TenantQueue}); batches
 * that arrive meanwhile queue up and go together as the next group, persisted in one journal write. A lone batch goes out at once, so group commit adds no latency
 * when the tenant is idle and turns one fsync per batch into one per group when it is busy. (Two groups in flight
 * made the groups smaller and each batch costlier: 535 against 329 us of CPU a 1-row batch, bench/vs-postgres.)
 *
 * <p>The queue is bounded in batches and in the time its oldest batch has waited: past either, new batches are
 * refused at once (429 with Retry-After), so an overloaded tenant sheds load instead of answering late.
 *
 * <p>While a shard moves after its node died, messages sent to the old node are lost. A group whose
 * batches all carry a batch id is therefore sent again when its entity has not answered within
 * the attempt timeout, until the request's deadline: the entity deduplicates by batch id, so a
 * batch is applied once whichever attempt arrives first (a later attempt may be answered with
 * {@code duplicate: true}). A group with a batch without an id is sent once and waits the whole
 * deadline, since sending it again could apply it twice.
 */
public final class TenantIngress implements Extension {
    private final ActorSystem<?> system;
    private final GroupCommitSettings settings;
    private final LocalTenants local;
    private final ConcurrentHashMap<String, ActorRef<TenantQueue.Message>> tenants = new ConcurrentHashMap<>();
    /** For the tenants with a queue here: the URL of the node whose entity answered the queue's last group. */
    private final ConcurrentHashMap<String, String> answeredFrom = new ConcurrentHashMap<>();

    private final AdvertisedUrl advertised;
    private final AtomicLong started = new AtomicLong();

    private static final ExtensionId<TenantIngress> ID = new ExtensionId<>() {
        @Override
        public TenantIngress createExtension(ActorSystem<?> system) {
            return new TenantIngress(
                    system, GroupCommitSettings.from(system.settings().config()));
        }
    };

    /** This node's ingress. */
    public static TenantIngress get(ActorSystem<?> system) {
        return ID.apply(system);
    }

    private TenantIngress(ActorSystem<?> system, GroupCommitSettings settings) {
        this.system = system;
        this.settings = settings;
        this.local = LocalTenants.get(system);
        this.advertised = AdvertisedUrl.get(system);
    }

    /** Submits one batch; completes with the entity's reply to it, or fails with {@link IngestOverloaded} when the queue is full. */
    public CompletionStage<IngestReply> submit(String tenant, BatchRequest batch) {
        CompletableFuture<IngestReply> reply = new CompletableFuture<>();
        long now = System.nanoTime();
        PendingBatch pending =
                new PendingBatch(batch, reply, now + settings.askTimeout().toNanos(), now);
        IngestInbox inbox = local.inbox(tenant);
        if (inbox == null || !inbox.offer(pending, settings)) viaSharding(tenant, pending);
        return reply;
    }

    /**
     * The URL of the node that runs {@code tenant}'s entity, as far as this node knows: its own while the entity runs
     * here, else the node that answered the last group this node sent it (in this region), or null. A client that
     * sends the tenant's batches there saves a hop between nodes; any node still takes them.
     */
    public String nodeOf(String tenant) {
        if (local.runsHere(tenant)) return advertised.url();
        return answeredFrom.get(tenant);
    }

    /** Sends a batch through sharding: its tenant runs elsewhere, or its entity here could not take it. */
    void viaSharding(String tenant, PendingBatch batch) {
        tenants.computeIfAbsent(tenant, this::startQueue).tell(new TenantQueue.Submit(batch));
    }

    private ActorRef<TenantQueue.Message> startQueue(String tenant) {
        return system.systemActorOf(
                TenantQueue.create(
                        tenant,
                        settings,
                        queue -> {
                            if (tenants.remove(tenant, queue)) answeredFrom.remove(tenant);
                        },
                        node -> answeredFrom.put(tenant, node)),
                "ingress-" + URLEncoder.encode(tenant, StandardCharsets.UTF_8) + "-" + started.incrementAndGet(),
                Props.empty());
    }
}
