package io.shardview.multijvm;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** Waiting, as a user's script would, for an answer to come to what is expected of it. */
final class Eventually {
    private Eventually() {}

    /** One read of what is awaited; it may fail while the thing is not there yet. */
    interface Read {
        JsonNode read() throws Exception;
    }

    /** What {@code read} gives once {@code done} holds of it, within 60 s; else a failure with the last answer. */
    static JsonNode await(String what, Read read, Predicate<JsonNode> done) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        Object last = null;
        while (System.nanoTime() < deadline) {
            try {
                JsonNode answer = read.read();
                if (done.test(answer)) return answer;
                last = answer;
            } catch (Exception | AssertionError e) {
                last = e;
            }
            Thread.sleep(500);
        }
        throw new AssertionError(what + " within 60 s; last: " + last);
    }
}
