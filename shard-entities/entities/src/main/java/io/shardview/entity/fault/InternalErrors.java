package io.shardview.entity.fault;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;

/**
 * Bugs caught before they could stop the node: a Throwable that escaped a route, an entity's command or the SQL
 * planner. Each is logged once, with its stack trace, under an incident id that the client's 500 reply carries
 * (so an operator finds the trace from the reply), and counted per place ({@code shardview_internal_errors_total{where}}
 * on /metrics). A JVM-level failure (an OutOfMemoryError) is not contained: the node must stop (see {@link #isContainable}).
 */
public final class InternalErrors {
    private static final Map<String, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private InternalErrors() {}

    /**
     * Whether the node may go on after {@code error}: everything but a VirtualMachineError other than a stack
     * overflow (which unwound the stack of the work that caused it, and whose state is dropped with that work).
     */
    public static boolean isContainable(Throwable error) {
        return !(error instanceof VirtualMachineError) || error instanceof StackOverflowError;
    }

    /**
     * Records {@code error} caught at {@code where} while doing {@code what}: logs it once with its stack trace and an
     * incident id, counts it, and returns the id for the reply. A failure that cannot be contained is rethrown.
     */
    public static String record(Logger log, String where, String what, Throwable error) {
        if (!isContainable(error)) throw sneaky(error);
        String incident = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        COUNTS.computeIfAbsent(where, w -> new LongAdder()).increment();
        log.error("internal error {} in {} ({}): {}", incident, where, what, error.toString(), error);
        return incident;
    }

    /** Counts so far by place, sorted by name. */
    public static Map<String, Long> counts() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((where, count) -> out.put(where, count.sum()));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <T extends Throwable> RuntimeException sneaky(Throwable error) throws T {
        throw (T) error;
    }
}
