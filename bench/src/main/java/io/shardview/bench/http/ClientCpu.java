package io.shardview.bench.http;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Map;

/**
 * The CPU a load generator used beside the server it loaded, over the same measured interval. The client shares this
 * machine's cores with the server, so a client that needs more than a quarter of the server's CPU may have been what
 * limited the throughput or latency measured (issue 37): the line then says so, without failing the run.
 *
 * @param server what was loaded, as the line names it ("node", "3 nodes", "victoria-metrics")
 * @param serverSeconds its CPU seconds (user + system) over the interval
 * @param client what loaded it ("this client", "wrk")
 * @param clientSeconds the client's CPU seconds over the same interval
 * @param wallSeconds the interval's length
 */
record ClientCpu(String server, double serverSeconds, String client, double clientSeconds, double wallSeconds) {
    /** The share of the server's CPU past which the client's own work may have limited the measurement. */
    private static final double MOST = 0.25;

    private static final long SELF = ProcessHandle.current().pid();

    /** Starts an interval: the CPU so far of the server's processes {@code pids} (summed) and of this JVM. */
    static Interval begin(long... pids) throws Exception {
        return new Interval(pids);
    }

    /**
     * Starts an interval of milliseconds (one request), read exactly thread by thread where {@link #begin}'s readings
     * count 10 ms ticks: of the server's process {@code pid} and of this JVM. A thread that ends meanwhile is left out.
     */
    static Exact beginExact(long pid) throws Exception {
        return new Exact(pid);
    }

    /** This and {@code other} as one interval: both the same server and client, measured one after the other. */
    ClientCpu plus(ClientCpu other) {
        return new ClientCpu(
                server,
                serverSeconds + other.serverSeconds,
                client,
                clientSeconds + other.clientSeconds,
                wallSeconds + other.wallSeconds);
    }

    /**
     * E.g. {@code CPU over the measured 30.0 s: node 1.23 cores, this client 0.11 cores (9% of the node's)}, with a
     * warning past a quarter. An interval under a second (a few requests) is given in milliseconds.
     */
    String line() {
        String whose = server + (server.endsWith("s") ? "'" : "'s");
        String line = String.format(
                "CPU over the measured %s: %s %.2f cores, %s %.2f cores (%s)",
                wallSeconds < 1 ? String.format("%.0f ms", wallSeconds * 1000) : String.format("%.1f s", wallSeconds),
                server,
                serverSeconds / wallSeconds,
                client,
                clientSeconds / wallSeconds,
                serverSeconds > 0
                        ? String.format("%.0f%% of the %s", 100 * clientSeconds / serverSeconds, whose)
                        : "the " + server + " used none");
        if (clientSeconds <= MOST * serverSeconds) return line;
        return line + "; WARNING: " + client + " used over a quarter of the " + whose
                + " CPU and may have been the bottleneck";
    }

    void print() {
        System.out.println(line());
    }

    /** CPU readings at the start of a measured interval. */
    static final class Interval {
        private final long[] pids;
        private final double serverSeconds;
        private final double clientSeconds;
        private final long startNanos;

        private Interval(long[] pids) throws Exception {
            this.pids = pids;
            this.serverSeconds = serverSeconds();
            this.clientSeconds = ProcessResources.cpuSeconds(SELF);
            this.startNanos = System.nanoTime();
        }

        /** From the start to now; {@code server} names the processes read. */
        ClientCpu end(String server) throws Exception {
            long endNanos = System.nanoTime();
            return new ClientCpu(
                    server,
                    serverSeconds() - serverSeconds,
                    "this client",
                    ProcessResources.cpuSeconds(SELF) - clientSeconds,
                    (endNanos - startNanos) / 1e9);
        }

        private double serverSeconds() throws Exception {
            double sum = 0;
            for (long pid : pids) sum += ProcessResources.cpuSeconds(pid);
            return sum;
        }
    }

    /**
     * Exact readings at the start of a short interval: every thread of the server and of this JVM. This thread's own
     * count comes from the JVM, as /proc's count of a running thread lags its current time slice; it is read last here
     * and first at the end, so reading /proc, this thread's work outside the interval, is left out.
     */
    static final class Exact {
        private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

        private final long pid;
        private final long thread;
        private final Map<Long, Long> server;
        private final Map<Long, Long> client;
        private final long threadNanos;
        private final long startNanos;

        private Exact(long pid) throws Exception {
            this.pid = pid;
            this.thread = ProcessResources.thisThreadId();
            this.server = ProcessResources.cpuNanosByThread(pid);
            this.client = ProcessResources.cpuNanosByThread(SELF);
            this.threadNanos = THREADS.getCurrentThreadCpuTime();
            this.startNanos = System.nanoTime();
        }

        /** From the start to now, on the thread that started it; {@code server} names the process read. */
        ClientCpu end(String server) throws Exception {
            long endNanos = System.nanoTime();
            long threadNanosNow = THREADS.getCurrentThreadCpuTime();
            Map<Long, Long> clientNow = ProcessResources.cpuNanosByThread(SELF);
            Map<Long, Long> serverNow = ProcessResources.cpuNanosByThread(pid);
            clientNow.put(thread, client.get(thread) + threadNanosNow - threadNanos);
            return new ClientCpu(
                    server,
                    since(this.server, serverNow),
                    "this client",
                    since(client, clientNow),
                    (endNanos - startNanos) / 1e9);
        }

        /** Seconds the threads of {@code now} ran since {@code before}; a thread new since then, all of its own. */
        private static double since(Map<Long, Long> before, Map<Long, Long> now) {
            long nanos = 0;
            for (Map.Entry<Long, Long> thread : now.entrySet()) {
                nanos += thread.getValue() - before.getOrDefault(thread.getKey(), 0L);
            }
            return nanos / 1e9;
        }
    }
}
