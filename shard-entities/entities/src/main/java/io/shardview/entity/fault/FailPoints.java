package io.shardview.entity.fault;

import java.util.Locale;

/**
 * Failures injected on purpose, to prove from the outside that the node contains them: inert unless the JVM runs
 * with {@code -Dshardview.failpoints=on} (never set by the launcher or any configuration file; tests start the
 * packaged node with it through {@code SHARDVIEW_JAVA_OPTS}). A trigger names the Throwable to raise:
 * {@code linkage_error}, {@code assertion_error}, {@code stack_overflow}, {@code out_of_memory} or
 * {@code illegal_state} ('-' may stand for '_'); {@code sleep} holds the thread for {@link #SLEEP_MILLIS} instead.
 *
 * <p>Triggers: a batch with an op on a table named {@code __failpoint_<kind>} (the tenant creates it) fails inside
 * the tenant entity once the batch was applied to the circuit, before its event is persisted (so a restart from the
 * journal must drop it); a view named
 * {@code __failpoint_<kind>} fails inside the SQL planner, and a change stream of a view of that name (which need not
 * exist) inside the tenant entity; an HTTP request with the header
 * {@code X-Shardview-Failpoint: <kind>} fails inside its route.
 */
public final class FailPoints {
    /** The HTTP header that triggers a failure in a route. */
    public static final String HEADER = "X-Shardview-Failpoint";
    /** The prefix of table and view names that trigger a failure. */
    public static final String PREFIX = "__failpoint_";

    private static final boolean ENABLED = "on".equals(System.getProperty("shardview.failpoints"));

    private FailPoints() {}

    /** Whether failures can be injected in this JVM. */
    public static boolean enabled() {
        return ENABLED;
    }

    /** Raises the failure {@code name} names ({@code __failpoint_<kind>}), if enabled and it names one. */
    public static void atName(String name) {
        if (ENABLED && name != null && name.startsWith(PREFIX)) raise(name.substring(PREFIX.length()));
    }

    /** How long the {@code sleep} failpoint holds the thread it runs on. */
    public static final long SLEEP_MILLIS = 3000;

    private static void sleep() {
        try {
            Thread.sleep(SLEEP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Raises the failure of {@code kind}, if enabled and {@code kind} is not null. */
    public static void raise(String kind) {
        if (!ENABLED || kind == null) return;
        switch (kind.toLowerCase(Locale.ROOT).replace('_', '-')) {
            case "linkage-error" -> throw new NoClassDefFoundError("injected: org/example/Missing");
            case "assertion-error" -> throw new AssertionError("injected assertion");
            case "stack-overflow" -> throw new StackOverflowError("injected");
            case "out-of-memory" -> throw new OutOfMemoryError("injected");
            case "illegal-state" -> throw new IllegalStateException("injected bug");
            case "sleep" -> sleep(); // a slow step, not a failure: what a client sees when its answer comes late
            default -> {}
        }
    }
}
