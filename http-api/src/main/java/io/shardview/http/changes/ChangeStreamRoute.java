package io.shardview.http.changes;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.onSuccess;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.shardview.entity.tenant.ChangeReplay;
import io.shardview.entity.tenant.ViewChange;
import io.shardview.entity.tenant.ViewTopics;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.Pair;
import org.apache.pekko.stream.OverflowStrategy;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.stream.typed.javadsl.ActorSource;
import org.apache.pekko.util.ByteString;

/**
 * {@code GET /v1/tenants/{t}/views/{v}/changes}: a view's changes as Server-Sent Events (default;
 * the SSE id is the version, so {@code Last-Event-ID} resumes) or NDJSON.
 *
 * <p>The subscription to pub-sub is made before the snapshot or history is read, so nothing
 * published in between is missed; what arrives twice is dropped by the {@link ChangeCursor}.
 *
 * <p>Live changes wait in a bounded buffer that drops its oldest when full: a client reading slower
 * than changes arrive, or a cursor waiting on a slow history read (a replica catching up after a
 * partition publishes thousands of versions in seconds), slows neither ingest nor memory. The cursor
 * sees the gap the dropped changes leave and reads them from the tenant's history, so the client
 * still receives every version once, at its own pace; one that falls behind the retained history is
 * ended with {@code history_gone}.
 */
public final class ChangeStreamRoute {
    static final ContentType EVENT_STREAM =
            org.apache.pekko.http.javadsl.model.MediaTypes.TEXT_EVENT_STREAM.toContentType();
    static final ContentType NDJSON = org.apache.pekko.http.javadsl.model.MediaTypes.applicationWithOpenCharset(
                    "x-ndjson")
            .toContentType(org.apache.pekko.http.javadsl.model.HttpCharsets.UTF_8);

    private final ActorSystem<?> system;
    private final ViewTopics topics;
    private final ChangeFeed feed;
    private final Duration heartbeat;
    private final int bufferedChanges;

    /**
     * @param heartbeat interval of heartbeats, which also re-read missed changes
     * @param bufferedChanges live changes held before the oldest is dropped (and later re-read from history)
     */
    public ChangeStreamRoute(
            ActorSystem<?> system, ViewTopics topics, ChangeFeed feed, Duration heartbeat, int bufferedChanges) {
        this.system = system;
        this.topics = topics;
        this.feed = feed;
        this.heartbeat = heartbeat;
        this.bufferedChanges = bufferedChanges;
    }

    /** The route for one view's change stream; {@code from} is the query parameter, if any. */
    public Route stream(String tenant, String view, Optional<String> fromParameter) {
        return extractRequest(request -> {
            OptionalLong from;
            try {
                from = startVersion(request, fromParameter);
            } catch (NumberFormatException e) {
                return complete(
                        ApiError.of(ErrorCode.BAD_REQUEST, "from and Last-Event-ID must be versions (integers >= 0)")
                                .toResponse());
            }
            Pair<ActorRef<ViewChange>, Source<ViewChange, NotUsed>> live = ActorSource.<ViewChange>actorRef(
                            change -> false, change -> Optional.empty(), bufferedChanges, OverflowStrategy.dropHead())
                    .preMaterialize(system);
            topics.subscribe(tenant, view, live.first());
            // When the request fails or is refused, nothing will follow the view: leave it, and stop the subscriber.
            Runnable unfollow = () -> {
                topics.unsubscribe(tenant, view, live.first());
                live.second().runWith(Sink.cancelled(), system);
            };
            var replayed = feed.replay(tenant, view, from);
            replayed.whenComplete((replay, error) -> {
                if (error != null) unfollow.run();
            });
            return onSuccess(replayed, replay -> {
                if (!(replay instanceof ChangeReplay.Snapshot) && !(replay instanceof ChangeReplay.Changes)) {
                    unfollow.run();
                    return complete(initialError(replay).toResponse());
                }
                Source<ChangeEvent, NotUsed> events = events(tenant, view, from, replay, live.second())
                        .watchTermination((notUsed, done) -> {
                            done.whenComplete((ok, error) -> topics.unsubscribe(tenant, view, live.first()));
                            return notUsed;
                        });
                return wantsNdjson(request) ? ndjson(events) : sse(events);
            });
        });
    }

    /** The events of one subscriber: the replay's, then live changes and ticks (package-private for tests). */
    Source<ChangeEvent, NotUsed> events(
            String tenant, String view, OptionalLong from, ChangeReplay replay, Source<ViewChange, NotUsed> live) {
        List<ChangeEvent> first;
        ChangeCursor cursor;
        if (replay instanceof ChangeReplay.Snapshot snapshot) {
            cursor = new ChangeCursor(feed, tenant, view, snapshot.lastChangeVersion());
            first = List.of(
                    new ChangeEvent.Snapshot(snapshot.version(), snapshot.columns(), snapshot.rows(), snapshot.hash()));
        } else {
            cursor = new ChangeCursor(feed, tenant, view, from.orElse(0));
            first = cursor.accept(((ChangeReplay.Changes) replay).changes());
        }
        Source<Optional<ViewChange>, NotUsed> liveAndTicks = live.map(Optional::of)
                .merge(Source.tick(heartbeat, heartbeat, Optional.<ViewChange>empty())
                        .mapMaterializedValue(cancellable -> NotUsed.getInstance()));
        Source<ChangeEvent, NotUsed> following = liveAndTicks
                .mapAsync(1, item -> item.isPresent() ? cursor.onLive(item.get()) : cursor.onTick())
                .mapConcat(list -> list);
        return Source.from(first).concat(following).takeWhile(event -> !(event instanceof ChangeEvent.Failure), true);
    }

    private static OptionalLong startVersion(HttpRequest request, Optional<String> fromParameter) {
        Optional<String> text = request.getHeader("Last-Event-ID")
                .map(h -> h.value().trim())
                .filter(s -> !s.isEmpty())
                .or(() -> fromParameter);
        if (text.isEmpty()) return OptionalLong.empty();
        long version = Long.parseLong(text.get());
        if (version < 0) throw new NumberFormatException("negative version");
        return OptionalLong.of(version);
    }

    private static boolean wantsNdjson(HttpRequest request) {
        String accept = request.getHeader("Accept").map(h -> h.value()).orElse("");
        return accept.contains("application/x-ndjson") && !accept.contains("text/event-stream");
    }

    private static ApiError initialError(ChangeReplay replay) {
        if (replay instanceof ChangeReplay.Gone gone) {
            return new ApiError(
                    ErrorCode.HISTORY_GONE,
                    "version " + gone.requested()
                            + " is older than the retained change history; read the snapshot again (omit from)",
                    Map.of("from", gone.requested(), "oldest", gone.oldestResumable()));
        }
        if (replay instanceof ChangeReplay.Failed failed) {
            return new ApiError(ErrorCode.INTERNAL, failed.message(), Map.of("request_id", failed.requestId()));
        }
        return ApiError.of(ErrorCode.NOT_FOUND, ((ChangeReplay.NotFound) replay).message());
    }

    private static Route sse(Source<ChangeEvent, NotUsed> events) {
        return streamed(EVENT_STREAM, events.map(ChangeStreamRoute::toSse));
    }

    private static Route ndjson(Source<ChangeEvent, NotUsed> events) {
        return streamed(NDJSON, events.map(ChangeStreamRoute::toNdjsonLine));
    }

    // Events that pile up while the connection is still writing earlier ones (a group commit publishes
    // a change per batch at once) leave together, in one chunk and one socket write.
    private static Route streamed(ContentType type, Source<String, NotUsed> text) {
        Source<ByteString, NotUsed> chunks = text.batch(COALESCED_EVENTS, StringBuilder::new, StringBuilder::append)
                .map(events -> ByteString.fromString(events.toString()));
        return complete(org.apache.pekko.http.javadsl.model.HttpResponse.create()
                .withEntity(HttpEntities.createChunked(type, chunks)));
    }

    private static final int COALESCED_EVENTS = 256;

    /** Server-Sent Events: {@code id} is the version; a heartbeat is a comment line; errors are event {@code error}. */
    static String toSse(ChangeEvent event) {
        if (event instanceof ChangeEvent.Heartbeat) return ": heartbeat\n\n";
        if (event instanceof ChangeEvent.Failure failure)
            return "event: error\ndata: " + json(errorBody(failure.error())) + "\n\n";
        long version = event instanceof ChangeEvent.Snapshot snapshot
                ? snapshot.version()
                : ((ChangeEvent.Change) event).change().version();
        return "id: " + version + "\ndata: " + json(body(event)) + "\n\n";
    }

    /** NDJSON: one JSON object per line; a heartbeat is an empty line. */
    static String toNdjsonLine(ChangeEvent event) {
        if (event instanceof ChangeEvent.Heartbeat) return "\n";
        if (event instanceof ChangeEvent.Failure failure) return json(errorBody(failure.error())) + "\n";
        return json(body(event)) + "\n";
    }

    private static Map<String, Object> body(ChangeEvent event) {
        return event instanceof ChangeEvent.Snapshot snapshot ? body(snapshot) : body((ChangeEvent.Change) event);
    }

    private static Map<String, Object> body(ChangeEvent.Snapshot s) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", s.version());
        body.put("snapshot", true);
        body.put("inserted", objects(s.columns(), s.rows()));
        body.put("deleted", List.of());
        body.put("hash", s.hash());
        return body;
    }

    private static Map<String, Object> body(ChangeEvent.Change c) {
        ViewChange change = c.change();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", change.version());
        body.put("inserted", objects(change.columns(), change.inserted()));
        body.put("deleted", objects(change.columns(), change.deleted()));
        body.put("hash", change.hash());
        return body;
    }

    private static Object errorBody(ApiError error) {
        return new ApiError.Body(new ApiError.Detail(error.code(), error.message(), error.details()));
    }

    private static List<Map<String, Object>> objects(List<String> columns, List<List<Object>> rows) {
        return rows.stream()
                .map(row -> {
                    Map<String, Object> object = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++) object.put(columns.get(i), row.get(i));
                    return object;
                })
                .toList();
    }

    private static String json(Object body) {
        try {
            return Json.MAPPER.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("change event not writable as JSON", e);
        }
    }
}
