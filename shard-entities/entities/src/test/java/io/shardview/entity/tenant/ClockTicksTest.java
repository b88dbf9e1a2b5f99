package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;

/** The clock's ticks along the versions: found by time, the oldest dropped past the capacity. */
class ClockTicksTest {
    private static final LocalDateTime T0 = LocalDateTime.of(2026, 11, 27, 0, 0);

    @Test
    void aTimeIsFoundAtTheVersionBeforeTheClockPassedIt() {
        ClockTicks ticks = new ClockTicks();
        assertInstanceOf(ClockTicks.NotYet.class, ticks.asOf(T0));
        int n = ClockTicks.CAPACITY + 500; // ticks at versions 10, 20, ..., one a second
        for (int i = 0; i < n; i++) ticks.add(10L * (i + 1), T0.plusSeconds(i));
        assertEquals(new ClockTicks.At(10L * n - 1), ticks.asOf(T0.plusSeconds(n - 2)));
        assertEquals(
                new ClockTicks.At(10L * 701 - 1), ticks.asOf(T0.plusSeconds(699).plusNanos(1000)));
        assertInstanceOf(ClockTicks.NotYet.class, ticks.asOf(T0.plusSeconds(n - 1)));
        // The oldest 500 are gone: the oldest kept shows 500 s.
        assertEquals(new ClockTicks.Before(T0.plusSeconds(500)), ticks.asOf(T0.plusSeconds(499)));
        assertEquals(new ClockTicks.At(10L * 502 - 1), ticks.asOf(T0.plusSeconds(500)));
    }
}
