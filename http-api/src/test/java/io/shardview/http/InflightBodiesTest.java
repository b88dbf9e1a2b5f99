package io.shardview.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class InflightBodiesTest {
    @Test
    void bodiesAreHeldUpToTheBudgetAndReleasedOnReply() {
        InflightBodies bodies = new InflightBodies(100);
        assertTrue(bodies.tryHold(60));
        assertTrue(bodies.tryHold(40));
        assertFalse(bodies.tryHold(1), "the budget is spent");
        bodies.release(40);
        assertFalse(bodies.tryHold(41));
        assertTrue(bodies.tryHold(40));
        bodies.release(60);
        bodies.release(40);
        assertEquals(0, bodies.held());
    }

    @Test
    void aBodyLargerThanTheWholeBudgetRunsAloneButNotBesideOthers() {
        InflightBodies bodies = new InflightBodies(100);
        assertTrue(bodies.tryHold(500), "alone");
        assertFalse(bodies.tryHold(1));
        bodies.release(500);
        assertTrue(bodies.tryHold(1));
        assertFalse(bodies.tryHold(500), "not beside another");
    }
}
