package io.shardview.http;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.pekko.actor.AbstractExtensionId;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.Extension;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The node's budget of request bodies in flight ({@code shardview.http.max-inflight-request-bytes}). A request body
 * is held, and parsed into objects several times its size, from its arrival until its reply: without a bound, many
 * large batches at once fill the heap. A request that would take the node past its budget is answered 503 with
 * Retry-After at once, before its body is read, so an overloaded node sheds load instead of running out of memory.
 * A body of unknown length (chunked) counts as the endpoint's largest.
 */
public final class InflightBodies implements Extension {
    private static final AbstractExtensionId<InflightBodies> ID = new AbstractExtensionId<>() {
        @Override
        public InflightBodies createExtension(ExtendedActorSystem system) {
            return new InflightBodies(system.settings().config().getBytes("shardview.http.max-inflight-request-bytes"));
        }
    };

    private final long budget;
    private final AtomicLong held = new AtomicLong();

    InflightBodies(long budget) {
        this.budget = budget;
    }

    /** This node's budget. */
    public static InflightBodies get(ActorSystem<?> system) {
        return ID.get(system.classicSystem());
    }

    /** Bytes of request bodies held now. */
    public long held() {
        return held.get();
    }

    /** {@code inner}, run only if the request's body fits in the budget (at most {@code maxBytes}), else a 503. */
    public Route limit(HttpRequest request, long maxBytes, Supplier<Route> inner) {
        long cost = hold(request.entity().getContentLengthOption().orElse(-1), maxBytes);
        if (cost == 0) return inner.get();
        if (cost < 0) return Directives.complete(TenantEndpoints.retryLater(refusal()));
        // Released where the route's result completes: the result is a Scala future seen as a CompletableFuture,
        // whose plain whenComplete would run on ForkJoinPool's common pool (a thread hop for every request with a
        // body).
        return Directives.mapRouteResultFuture(
                result -> result.whenCompleteAsync((done, error) -> release(cost), Runnable::run), inner);
    }

    /**
     * Holds room for a body of {@code length} bytes (-1: unknown, counted as {@code maxBytes}) and returns the bytes
     * held, to {@link #release} once its request is answered; -1 when the budget has no room (answer {@link #refusal}).
     */
    public long hold(long length, long maxBytes) {
        long cost = Math.min(length < 0 ? maxBytes : length, maxBytes);
        if (cost == 0) return 0;
        return tryHold(cost) ? cost : -1;
    }

    /** The 503 for a body the budget has no room for (with Retry-After: 1 s). */
    public ApiError refusal() {
        return new ApiError(
                ErrorCode.NODE_OVERLOADED,
                "the node holds " + held.get() / (1 << 20) + " MiB of request bodies in flight, its budget "
                        + "(shardview.http.max-inflight-request-bytes) is " + budget / (1 << 20)
                        + " MiB; nothing of the request was applied; retry",
                Map.of("limit", "max-inflight-request-bytes"));
    }

    /** Gives back what {@link #hold} held. */
    public void release(long cost) {
        held.addAndGet(-cost);
    }

    boolean tryHold(long cost) {
        while (true) {
            long now = held.get();
            // One request larger than the whole budget still runs alone, so the budget never blocks an allowed size.
            if (now > 0 && now + cost > budget) return false;
            if (held.compareAndSet(now, now + cost)) return true;
        }
    }
}
