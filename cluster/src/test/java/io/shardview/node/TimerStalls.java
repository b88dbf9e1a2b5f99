package io.shardview.node;

import java.util.ArrayList;
import java.util.List;

/**
 * When a thread of this JVM that waits on a timer wakes late, and by how much: what delays every
 * thread alike whatever pool it belongs to (stop-the-world GC and other safepoints, and the OS
 * scheduler when other processes load the machine's cores), as opposed to work queued behind
 * other work on a dispatcher. A dedicated thread sleeps 5 ms at a time and records each wake-up
 * more than 2 ms late as a stall.
 */
final class TimerStalls {
    /** A stall in wall-clock milliseconds. */
    private record Stall(long startMs, long endMs) {}

    private static final long SLEEP_MS = 5;
    private static final long LATE_MS = 2;

    private final List<Stall> stalls = new ArrayList<>();
    private final Thread thread = new Thread(this::run, "timer-stalls");
    private volatile boolean running = true;

    private TimerStalls() {}

    static TimerStalls start() {
        TimerStalls stalls = new TimerStalls();
        stalls.thread.setDaemon(true);
        stalls.thread.start();
        return stalls;
    }

    void stop() throws InterruptedException {
        running = false;
        thread.join();
    }

    private void run() {
        try {
            while (running) {
                long before = System.nanoTime();
                Thread.sleep(SLEEP_MS);
                long lateMs = (System.nanoTime() - before) / 1_000_000 - SLEEP_MS;
                if (lateMs > LATE_MS) {
                    long now = System.currentTimeMillis();
                    synchronized (stalls) {
                        stalls.add(new Stall(now - lateMs, now));
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Milliseconds of stalls within [fromMs, toMs] (wall clock). */
    long stalledMillis(long fromMs, long toMs) {
        synchronized (stalls) {
            long stalled = 0;
            for (Stall s : stalls) stalled += Math.max(0, Math.min(toMs, s.endMs()) - Math.max(fromMs, s.startMs()));
            return stalled;
        }
    }

    /** The longest stall, in milliseconds. */
    long longestMillis() {
        synchronized (stalls) {
            return stalls.stream().mapToLong(s -> s.endMs() - s.startMs()).max().orElse(0);
        }
    }

    /** Stalls of at least {@code ms} milliseconds. */
    long countAtLeast(long ms) {
        synchronized (stalls) {
            return stalls.stream().filter(s -> s.endMs() - s.startMs() >= ms).count();
        }
    }
}
