package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Change streams of a real tenant entity over HTTP. */
class TenantChangeStreamTest {
    @TempDir
    Path dataDir;

    /** One SSE event as received. */
    record Event(long version, JsonNode body) {}

    /** An SSE connection read line by line in the background. */
    static final class OpenStream implements AutoCloseable {
        final HttpResponse<Stream<String>> response;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        OpenStream(String url, String lastEventId) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url));
            if (lastEventId != null) request.header("Last-Event-ID", lastEventId);
            response = TestNodes.HTTP.send(request.build(), HttpResponse.BodyHandlers.ofLines());
            Thread reader = new Thread(() -> {
                try {
                    response.body().forEach(lines::add);
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
            });
            reader.setDaemon(true);
            reader.start();
        }

        Event nextEvent() throws Exception {
            String id = null;
            while (true) {
                String line = lines.poll(10, TimeUnit.SECONDS);
                if (line == null) throw new AssertionError("no event within 10 s");
                if (line.startsWith("id: ")) id = line.substring(4);
                if (line.startsWith("data: ")) {
                    JsonNode body = TenantApiTest.JSON.readTree(line.substring(6));
                    assertEquals(id, body.get("version").asText(), "SSE id is the version");
                    return new Event(body.get("version").asLong(), body);
                }
            }
        }

        @Override
        public void close() {
            response.body().close();
        }
    }

    @Test
    void aSubscriberThatDisconnectsAndResumesWithLastEventIdSeesEveryVersionOnceInOrder() throws Exception {
        ShardviewNode node = TenantNodes.start(dataDir, Map.of());
        try {
            TenantClient t = new TenantClient(node, "stream");
            t.sql(
                    "CREATE TABLE e (id BIGINT NOT NULL, v INT, PRIMARY KEY (id)); CREATE VIEW odd AS SELECT id, v FROM e WHERE v % 2 = 1",
                    200);
            List<Long> expected = new ArrayList<>();
            List<Long> seen = new ArrayList<>();
            String url = t.base + "/views/odd/changes";

            OpenStream first = new OpenStream(url, null);
            Event snapshot = first.nextEvent();
            assertTrue(snapshot.body().get("snapshot").asBoolean());
            long last = snapshot.version();
            int batch = 0;
            for (int round = 0; round < 3; round++) {
                for (int i = 0; i < 8; i++, batch++) {
                    JsonNode reply = t.ingest(
                            "{\"ops\": [{\"op\": \"upsert\", \"table\": \"e\", \"row\": {\"id\": " + (batch % 5)
                                    + ", \"v\": " + batch + "}}]}",
                            200);
                    if (reply.get("views").has("odd"))
                        expected.add(reply.get("version").asLong());
                }
                // read some of what arrived, then drop the connection mid-stream and resume from the last id
                for (int read = 0; read < 3; read++) {
                    Event event = first.nextEvent();
                    seen.add(event.version());
                    last = event.version();
                }
                first.close();
                first = new OpenStream(url, Long.toString(last));
            }
            while (seen.isEmpty() || seen.get(seen.size() - 1) < expected.get(expected.size() - 1)) {
                seen.add(first.nextEvent().version());
            }
            first.close();
            assertEquals(expected, seen, "every change of the view exactly once, in order");
            assertEquals(
                    410,
                    TestNodes.send(node, HttpRequest.newBuilder(URI.create(url + "?from=0")))
                            .statusCode(),
                    "the view did not exist at version 0: its history starts at its creation");
        } finally {
            node.stop();
        }
    }

    @Test
    void ndjsonStreamsCarryTheSameEvents() throws Exception {
        ShardviewNode node = TenantNodes.start(dataDir, Map.of());
        try {
            TenantClient t = new TenantClient(node, "ndjson");
            t.sql("CREATE TABLE e (id BIGINT NOT NULL, PRIMARY KEY (id)); CREATE VIEW all_e AS SELECT id FROM e", 200);
            HttpResponse<Stream<String>> response = TestNodes.HTTP.send(
                    HttpRequest.newBuilder(URI.create(t.base + "/views/all_e/changes?from=1"))
                            .header("Accept", "application/x-ndjson")
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            assertTrue(
                    response.headers().firstValue("Content-Type").orElseThrow().startsWith("application/x-ndjson"));
            t.ingest("{\"ops\": [{\"op\": \"insert\", \"table\": \"e\", \"row\": {\"id\": 7}}]}", 200);
            String line = response.body().filter(l -> !l.isBlank()).findFirst().orElseThrow();
            JsonNode event = TenantApiTest.JSON.readTree(line);
            assertEquals(2, event.get("version").asLong());
            assertEquals("[{\"id\":7}]", event.get("inserted").toString());
            response.body().close();
        } finally {
            node.stop();
        }
    }
}
