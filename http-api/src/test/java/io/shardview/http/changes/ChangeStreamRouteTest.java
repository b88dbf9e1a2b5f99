package io.shardview.http.changes;

import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shardview.entity.tenant.ViewChange;
import io.shardview.entity.tenant.ViewTopics;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.http.javadsl.Http;
import org.apache.pekko.http.javadsl.ServerBinding;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.SinkQueueWithCancel;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChangeStreamRouteTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration HEARTBEAT = Duration.ofMillis(300);

    private final HttpClient http = HttpClient.newHttpClient();
    private ActorSystem<Void> system;
    private ViewTopics topics;
    private TestFeed feed;
    private ChangeStreamRoute route;
    private ServerBinding binding;

    @BeforeEach
    void start() throws Exception {
        system = ActorSystem.create(Behaviors.empty(), "changes-test");
        topics = new ViewTopics(system);
        feed = new TestFeed(5);
        route = new ChangeStreamRoute(system, topics, feed, HEARTBEAT, 4);
        binding = Http.get(system)
                .newServerAt("127.0.0.1", 0)
                .bind(pathPrefix(
                        "views",
                        () -> path(
                                PathMatchers.segment(),
                                view -> parameterOptional("from", from -> route.stream("t", view, from)))))
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
    }

    @AfterEach
    void stop() {
        binding.unbind();
        system.terminate();
        system.getWhenTerminated().toCompletableFuture().join();
    }

    /** An open stream whose lines arrive on a queue, read by a background thread. */
    private final class OpenStream implements AutoCloseable {
        final HttpResponse<Stream<String>> response;
        final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        OpenStream(String query, String accept, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + binding.localAddress().getPort() + "/views/" + query));
            if (accept != null) request.header("Accept", accept);
            if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> response.body().forEach(lines::add));
            reader.setDaemon(true);
            reader.start();
        }

        /** The next SSE event as (id, data), skipping heartbeats. */
        String[] nextEvent() throws InterruptedException {
            String id = null;
            String type = null;
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) throw new AssertionError("no event within 10 s");
                if (line.startsWith("id: ")) id = line.substring(4);
                else if (line.startsWith("event: ")) type = line.substring(7);
                else if (line.startsWith("data: ")) return new String[] {type == null ? id : type, line.substring(6)};
            }
        }

        JsonNode nextNdjson() throws Exception {
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) throw new AssertionError("no line within 10 s");
                if (!line.isEmpty()) return JSON.readTree(line);
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    private void publish(long value) {
        topics.publish(feed.next(value));
    }

    @Test
    void withoutFromTheFirstEventIsTheSnapshotThenEveryChangeFollows() throws Exception {
        feed.next(10);
        feed.next(11);
        try (OpenStream stream = new OpenStream("v", null, null)) {
            assertEquals(200, stream.response.statusCode());
            assertTrue(stream.response
                    .headers()
                    .firstValue("Content-Type")
                    .orElseThrow()
                    .startsWith("text/event-stream"));
            String[] snapshot = stream.nextEvent();
            assertEquals("2", snapshot[0]);
            JsonNode body = JSON.readTree(snapshot[1]);
            assertTrue(body.get("snapshot").asBoolean());
            assertEquals("[{\"x\":10},{\"x\":11}]", body.get("inserted").toString());
            assertEquals("hash-2", body.get("hash").asText());

            publish(12);
            publish(13);
            String[] third = stream.nextEvent();
            assertEquals("3", third[0]);
            assertEquals("[{\"x\":12}]", JSON.readTree(third[1]).get("inserted").toString());
            assertEquals("4", stream.nextEvent()[0]);
        }
    }

    @Test
    void resumingWithLastEventIdDeliversEveryLaterChangeOnceInOrder() throws Exception {
        for (long v = 1; v <= 4; v++) feed.next(v);
        try (OpenStream stream = new OpenStream("v?from=1", null, "2")) {
            assertEquals("3", stream.nextEvent()[0]);
            assertEquals("4", stream.nextEvent()[0]);
            publish(5);
            assertEquals("5", stream.nextEvent()[0]);
        }
    }

    @Test
    void aLostPubSubMessageIsRefilledFromTheHistory() throws Exception {
        feed.next(1);
        try (OpenStream stream = new OpenStream("v?from=1", null, null)) {
            feed.next(2); // applied, never published
            publish(3);
            assertEquals("2", stream.nextEvent()[0]);
            assertEquals("3", stream.nextEvent()[0]);
            feed.next(4); // the last change is lost: the next heartbeat tick delivers it
            assertEquals("4", stream.nextEvent()[0]);
        }
    }

    @Test
    void idleStreamsCarryCommentHeartbeats() throws Exception {
        try (OpenStream stream = new OpenStream("v?from=0", null, null)) {
            String line;
            do {
                line = stream.lines.poll(5, TimeUnit.SECONDS);
            } while (line != null && !line.startsWith(":"));
            assertEquals(": heartbeat", line);
        }
    }

    @Test
    void ndjsonIsOneChangeObjectPerLine() throws Exception {
        feed.next(7);
        try (OpenStream stream = new OpenStream("v?from=0", "application/x-ndjson", null)) {
            assertTrue(stream.response
                    .headers()
                    .firstValue("Content-Type")
                    .orElseThrow()
                    .startsWith("application/x-ndjson"));
            JsonNode first = stream.nextNdjson();
            assertEquals(1, first.get("version").asLong());
            assertEquals("[{\"x\":7}]", first.get("inserted").toString());
            assertEquals("[]", first.get("deleted").toString());
        }
    }

    @Test
    void fromOlderThanTheHistoryIs410AndUnknownViewIs404AndBadFromIs400() throws Exception {
        for (long v = 1; v <= 8; v++) feed.next(v); // history keeps 5
        HttpResponse<String> gone = get("v?from=1");
        assertEquals(410, gone.statusCode());
        assertEquals(
                "history_gone", JSON.readTree(gone.body()).at("/error/code").asText());
        assertEquals(404, get("nope").statusCode());
        assertEquals(400, get("v?from=abc").statusCode());
        assertEquals(400, get("v?from=-1").statusCode());
    }

    private HttpResponse<String> get(String query) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create(
                                "http://127.0.0.1:" + binding.localAddress().getPort() + "/views/" + query))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aClientSlowerThanTheChangesGetsEveryChangeOnceInOrderFromHistory() throws Exception {
        TestFeed longHistory = new TestFeed(1_000);
        List<ChangeEvent> received = unreadWhile200ChangesArrive(longHistory);
        List<Long> versions = new ArrayList<>();
        for (ChangeEvent event : received) {
            if (event instanceof ChangeEvent.Change change)
                versions.add(change.change().version());
            else assertInstanceOf(ChangeEvent.Heartbeat.class, event, event.toString());
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList(), versions);
    }

    @Test
    void aClientThatFallsBehindTheRetainedHistoryIsEndedWithHistoryGone() throws Exception {
        List<ChangeEvent> received = unreadWhile200ChangesArrive(feed); // keeps 5 changes
        ChangeEvent.Failure last = assertInstanceOf(ChangeEvent.Failure.class, received.get(received.size() - 1));
        assertEquals("history_gone", last.error().code());
        long expected = 1;
        for (ChangeEvent event : received) {
            if (event instanceof ChangeEvent.Change change)
                assertEquals(expected++, change.change().version());
        }
    }

    /**
     * A subscriber with a live buffer of 4 that reads nothing while 200 changes are published, then everything it is
     * sent until the stream ends or delivers version 200.
     */
    private List<ChangeEvent> unreadWhile200ChangesArrive(TestFeed source) throws Exception {
        var live = org.apache.pekko.stream.typed.javadsl.ActorSource.<ViewChange>actorRef(
                        c -> false, c -> Optional.empty(), 4, org.apache.pekko.stream.OverflowStrategy.dropHead())
                .preMaterialize(system);
        SinkQueueWithCancel<ChangeEvent> client = new ChangeStreamRoute(system, topics, source, HEARTBEAT, 4)
                .events(
                        "t",
                        "v",
                        OptionalLong.of(0),
                        source.replay("t", "v", OptionalLong.of(0))
                                .toCompletableFuture()
                                .join(),
                        live.second())
                .runWith(Sink.queue(1), system);
        for (long v = 1; v <= 200; v++) live.first().tell(source.next(v));

        List<ChangeEvent> received = new ArrayList<>();
        for (Optional<ChangeEvent> e;
                (e = client.pull().toCompletableFuture().get(10, TimeUnit.SECONDS)).isPresent(); ) {
            received.add(e.get());
            if (e.get() instanceof ChangeEvent.Change change && change.change().version() == 200) break;
        }
        client.cancel();
        return received;
    }
}
