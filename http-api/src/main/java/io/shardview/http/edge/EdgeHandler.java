package io.shardview.http.edge;

/**
 * Serves the requests the edge has parsed. Called on the connection's event loop with the request's head and whatever
 * part of its body arrived with it; it must answer the request exactly once ({@link EdgeRequest#reply} or
 * {@link EdgeRequest#replyStreaming}), now or later from any thread, and never block: slow work goes elsewhere.
 */
@FunctionalInterface
public interface EdgeHandler {
    void handle(EdgeRequest request);
}
