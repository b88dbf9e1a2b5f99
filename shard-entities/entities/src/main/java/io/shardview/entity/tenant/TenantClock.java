package io.shardview.entity.tenant;

import io.shardview.entity.tenant.TenantProtocol.ClockTick;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.pekko.persistence.typed.javadsl.Effect;

/**
 * The tenant's clock (io.shardview.circuit.catalog.Clock), which its views read through NOW() and its kin: while a view
 * reads it, a timer runs at every replica, and at the home each tick advances the clock to the current UTC time,
 * truncated to the tenant's resolution (PUT /v1/tenants/{t}/clock; {@code shardview.tenant.clock-resolution} by
 * default), as a batch of the tenant's (TenantIngest#tick): journaled,
 * pushed to the other regions and replayed like a client's, so every replica shows the same contents at each version.
 * The clock never goes back (a home whose clock is behind another's time waits for it to pass). A tenant without such
 * a view has no timer.
 */
final class TenantClock {
    private static final String TIMER = "clock";
    private static final ClockTick TICK = new ClockTick();

    private final TenantContext tenant;
    private final TenantIngest ingest;
    /** The node's resolution, for a tenant that set none ({@code shardview.tenant.clock-resolution}), in us. */
    private final long defaultMicros;

    private boolean running;
    /** The resolution the timer runs at, in microseconds. */
    private long runningMicros;

    TenantClock(TenantContext tenant, TenantIngest ingest) {
        this.tenant = tenant;
        this.ingest = ingest;
        var config = tenant.actor.getSystem().settings().config();
        String key = "shardview.tenant.clock-resolution";
        Duration configured = config.hasPath(key) ? config.getDuration(key) : Duration.ofSeconds(1);
        this.defaultMicros = Math.max(MIN_MICROS, configured.toNanos() / 1000);
    }

    /** The finest resolution a clock may have: 10 ms (a tick is a journaled batch). */
    static final long MIN_MICROS = 10_000;

    /** The coarsest: a day. */
    static final long MAX_MICROS = 86_400_000_000L;

    /** What GET /v1/tenants/{t} shows of the clock. */
    TenantProtocol.ClockInfo info(TenantState state) {
        LocalDateTime now = state.circuit.clock();
        return new TenantProtocol.ClockInfo(
                ClockResolution.text(resolutionMicros(state)),
                state.clockResolutionMicros != 0,
                now == null ? null : now.toString());
    }

    /** The tenant's resolution: its own, or the node's. */
    long resolutionMicros(TenantState state) {
        return state.clockResolutionMicros != 0 ? state.clockResolutionMicros : defaultMicros;
    }

    /**
     * Runs the timer while a view reads the clock, the first tick at once, at the tenant's resolution (restarted when
     * it changes); stops it otherwise. Cheap: per command.
     */
    void check(TenantState state) {
        boolean wanted = state.circuit.usesClock();
        long micros = resolutionMicros(state);
        if (wanted == running && (!wanted || micros == runningMicros)) return;
        running = wanted;
        runningMicros = micros;
        if (wanted) {
            Duration every = Duration.ofNanos(micros * 1000);
            tenant.actor.getSelf().tell(TICK); // the first tick before any request that follows this one
            tenant.timers.startTimerWithFixedDelay(TIMER, TICK, every, every);
        } else {
            tenant.timers.cancel(TIMER);
        }
    }

    /** A tick: at the home, the clock advanced to now, if now is past it. */
    Effect<TenantEvent, TenantState> onTick(TenantState state) {
        check(state);
        if (!running || !tenant.replica.isHome(state, tenant.lastSequenceNumber())) return tenant.effects.none();
        LocalDateTime now = now(resolutionMicros(state));
        LocalDateTime current = state.circuit.clock();
        if (current != null && !now.isAfter(current)) return tenant.effects.none();
        return ingest.tick(state, now);
    }

    /** The current UTC time, truncated to the resolution. */
    private static LocalDateTime now(long step) {
        long micros = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.now(ZoneOffset.UTC));
        return LocalDateTime.of(1970, 1, 1, 0, 0).plus(Math.floorDiv(micros, step) * step, ChronoUnit.MICROS);
    }
}
