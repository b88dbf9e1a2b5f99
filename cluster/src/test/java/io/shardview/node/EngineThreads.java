package io.shardview.node;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * Samples this JVM's threads every 500 ms (each sample stops them all at a safepoint, so not more
 * often) and notes which ones were stepping a tenant circuit (the engine's {@code Circuit},
 * {@code ViewEvaluator} or operators on the stack) and which were encoding a circuit's snapshot
 * ({@code CircuitImage}; its operator state images run operator code too).
 */
final class EngineThreads {
    private final Set<String> steps = new ConcurrentSkipListSet<>();
    private final Set<String> encodings = new ConcurrentSkipListSet<>();
    private final Thread sampler = new Thread(this::run, "engine-thread-sampler");
    private volatile boolean running = true;

    private EngineThreads() {}

    static EngineThreads start() {
        EngineThreads threads = new EngineThreads();
        threads.sampler.setDaemon(true);
        threads.sampler.start();
        return threads;
    }

    void stop() throws InterruptedException {
        running = false;
        sampler.join();
    }

    /** Names of the threads seen stepping circuits. */
    Set<String> steps() {
        return steps;
    }

    /** Names of the threads seen encoding circuit snapshots. */
    Set<String> encodings() {
        return encodings;
    }

    private void run() {
        while (running) {
            for (Map.Entry<Thread, StackTraceElement[]> thread :
                    Thread.getAllStackTraces().entrySet()) {
                String name = poolOf(thread.getKey().getName());
                if (runs(thread.getValue(), "io.shardview.circuit.snapshot.CircuitImage")) encodings.add(name);
                else if (stepping(thread.getValue())) steps.add(name);
            }
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static boolean stepping(StackTraceElement[] stack) {
        for (StackTraceElement frame : stack) {
            String type = frame.getClassName();
            if (type.equals("io.shardview.circuit.Circuit")
                    || type.startsWith("io.shardview.circuit.view.ViewEvaluator")
                    || type.startsWith("io.shardview.circuit.operator.")) {
                return true;
            }
        }
        return false;
    }

    private static boolean runs(StackTraceElement[] stack, String type) {
        for (StackTraceElement frame : stack) if (frame.getClassName().startsWith(type)) return true;
        return false;
    }

    /** A pool's threads share their name up to a counter ("shardview-pekko.actor.default-dispatcher-7"). */
    private static String poolOf(String thread) {
        return thread.replaceAll("-\\d+$", "");
    }
}
