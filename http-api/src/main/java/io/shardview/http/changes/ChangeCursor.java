package io.shardview.http.changes;

import io.shardview.entity.tenant.ChangeReplay;
import io.shardview.entity.tenant.ViewChange;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One subscriber's position in a view's changes, deciding what to send next so that every change
 * after the start arrives exactly once and in order.
 *
 * <p>Live changes come from pub-sub, which may lose or delay messages. A live change whose previous
 * version is the last one sent goes straight out; one that would leave a gap triggers a catch-up
 * read of the entity's history; an already sent one is dropped. A heartbeat tick also catches up,
 * so a lost last change is delivered within two heartbeat intervals; it skips the read when live
 * changes arrived in order since the previous tick, because a read then would only hold up the live
 * changes behind it (a replica catching up publishes a thousand a second). Calls must not overlap
 * (the stream runs them with {@code mapAsync(1)}).
 */
final class ChangeCursor {
    private final ChangeFeed feed;
    private final String tenant;
    private final String view;
    private long last;
    /** A live change was sent since the previous tick, and no gap waits to be read. */
    private boolean flowing;

    /** A cursor positioned after version {@code last} of the view's changes. */
    ChangeCursor(ChangeFeed feed, String tenant, String view, long last) {
        this.feed = feed;
        this.tenant = tenant;
        this.view = view;
        this.last = last;
    }

    /** Events for a live change from pub-sub. */
    CompletionStage<List<ChangeEvent>> onLive(ViewChange change) {
        if (change.version() <= last) return done(List.of());
        if (change.previousVersion() <= last) {
            flowing = true;
            return done(List.of(accept(change)));
        }
        flowing = false;
        return catchUp(false);
    }

    /** Events for a heartbeat tick: anything missed, else a heartbeat (nothing while live changes flow). */
    CompletionStage<List<ChangeEvent>> onTick() {
        if (flowing) {
            flowing = false;
            return done(List.of());
        }
        return catchUp(true);
    }

    /** Events for the changes of a replay (the first read of a resumed stream). */
    List<ChangeEvent> accept(List<ViewChange> changes) {
        List<ChangeEvent> events = new ArrayList<>(changes.size());
        for (ViewChange change : changes) {
            if (change.version() > last) events.add(accept(change));
        }
        return events;
    }

    private ChangeEvent accept(ViewChange change) {
        last = change.version();
        return new ChangeEvent.Change(change);
    }

    /**
     * Reads what followed the last change sent. A read that fails (the tenant is moving to another node, or its node
     * died and its shard has no home yet) ends nothing: the stream sends a heartbeat or nothing, and the next tick
     * reads again from the same version, so the client sees no gap and no reconnect once the tenant answers again.
     */
    private CompletionStage<List<ChangeEvent>> catchUp(boolean heartbeatIfNothing) {
        return read(heartbeatIfNothing)
                .exceptionally(failed -> heartbeatIfNothing ? List.of(new ChangeEvent.Heartbeat()) : List.of());
    }

    private CompletableFuture<List<ChangeEvent>> read(boolean heartbeatIfNothing) {
        CompletionStage<ChangeReplay> replayed;
        try {
            replayed = feed.replay(tenant, view, OptionalLong.of(last));
        } catch (RuntimeException failed) {
            return CompletableFuture.failedFuture(failed);
        }
        return replayed.toCompletableFuture().thenApply(replay -> {
            if (replay instanceof ChangeReplay.Changes changes) {
                List<ChangeEvent> events = accept(changes.changes());
                if (events.isEmpty() && heartbeatIfNothing) events.add(new ChangeEvent.Heartbeat());
                return events;
            }
            if (replay instanceof ChangeReplay.Gone gone) {
                return List.of(new ChangeEvent.Failure(new ApiError(
                        ErrorCode.HISTORY_GONE,
                        "changes after version " + last + " are no longer retained; read the snapshot again",
                        Map.of("from", last, "oldest", gone.oldestResumable()))));
            }
            if (replay instanceof ChangeReplay.Failed failed) {
                return List.of(new ChangeEvent.Failure(
                        new ApiError(ErrorCode.INTERNAL, failed.message(), Map.of("request_id", failed.requestId()))));
            }
            String message =
                    replay instanceof ChangeReplay.NotFound notFound ? notFound.message() : "view " + view + " is gone";
            return List.of(new ChangeEvent.Failure(ApiError.of(ErrorCode.NOT_FOUND, message)));
        });
    }

    private static CompletionStage<List<ChangeEvent>> done(List<ChangeEvent> events) {
        return CompletableFuture.completedFuture(events);
    }
}
