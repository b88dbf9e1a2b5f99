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
 * truncated to {@code shardview.tenant.clock-resolution}, as a batch of the tenant's (TenantIngest#tick): journaled,
 * pushed to the other regions and replayed like a client's, so every replica shows the same contents at each version.
 * The clock never goes back (a home whose clock is behind another's time waits for it to pass). A tenant without such
 * a view has no timer.
 */
final class TenantClock {
    private static final String TIMER = "clock";
    private static final ClockTick TICK = new ClockTick();

    private final TenantContext tenant;
    private final TenantIngest ingest;
    private final Duration resolution;
    private boolean running;

    TenantClock(TenantContext tenant, TenantIngest ingest) {
        this.tenant = tenant;
        this.ingest = ingest;
        var config = tenant.actor.getSystem().settings().config();
        String key = "shardview.tenant.clock-resolution";
        Duration configured = config.hasPath(key) ? config.getDuration(key) : Duration.ofSeconds(1);
        this.resolution = configured.compareTo(Duration.ofMillis(1)) < 0 ? Duration.ofMillis(1) : configured;
    }

    /** Runs the timer while a view reads the clock, the first tick at once; stops it otherwise. Cheap: per command. */
    void check(TenantState state) {
        boolean wanted = state.circuit.usesClock();
        if (wanted == running) return;
        running = wanted;
        if (wanted) {
            tenant.actor.getSelf().tell(TICK); // the first tick before any request that follows this one
            tenant.timers.startTimerWithFixedDelay(TIMER, TICK, resolution, resolution);
        } else {
            tenant.timers.cancel(TIMER);
        }
    }

    /** A tick: at the home, the clock advanced to now, if now is past it. */
    Effect<TenantEvent, TenantState> onTick(TenantState state) {
        check(state);
        if (!running || !tenant.replica.isHome(state, tenant.lastSequenceNumber())) return tenant.effects.none();
        LocalDateTime now = now();
        LocalDateTime current = state.circuit.clock();
        if (current != null && !now.isAfter(current)) return tenant.effects.none();
        return ingest.tick(state, now);
    }

    /** The current UTC time, truncated to the resolution. */
    private LocalDateTime now() {
        long micros = ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), LocalDateTime.now(ZoneOffset.UTC));
        long step = Math.max(1, resolution.toNanos() / 1000);
        return LocalDateTime.of(1970, 1, 1, 0, 0).plus(Math.floorDiv(micros, step) * step, ChronoUnit.MICROS);
    }
}
