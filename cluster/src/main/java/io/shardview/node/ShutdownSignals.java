package io.shardview.node;

import sun.misc.Signal;

/**
 * SIGTERM and SIGINT start the node's coordinated shutdown.
 *
 * <p>The JVM's own handler would run shutdown hooks and exit with status 143; a process manager
 * reads that as a crash. Handling the signal ourselves lets the node stop in order and exit 0.
 */
final class ShutdownSignals {
    private ShutdownSignals() {}

    static void install(ShardviewNode node) {
        for (String name : new String[] {"TERM", "INT"}) {
            Signal.handle(new Signal(name), signal -> node.requestStop());
        }
    }
}
