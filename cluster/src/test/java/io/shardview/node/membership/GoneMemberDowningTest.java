package io.shardview.node.membership;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import org.apache.pekko.actor.Address;
import org.junit.jupiter.api.Test;

/** What counts as a gone process: a refused connection, never one accepted, unresolved or unroutable. */
class GoneMemberDowningTest {
    @Test
    void aClosedPortIsRefusedAndAListeningOneIsNot() throws Exception {
        int port;
        try (ServerSocket listening = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = listening.getLocalPort();
            assertFalse(GoneMemberDowning.refused(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
            assertFalse(GoneMemberDowning.refusedTwice(new Address("pekko", "shardview", "127.0.0.1", port)));
        }
        assertTrue(GoneMemberDowning.refused(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)));
        assertTrue(GoneMemberDowning.refusedTwice(new Address("pekko", "shardview", "127.0.0.1", port)));
    }

    @Test
    void aListeningPortWhoseProcessAcceptsNothingIsNotRefused() throws Exception {
        // A paused process: the kernel completes the handshake from the backlog while nobody calls accept().
        try (ServerSocket paused = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            for (int i = 0; i < 5; i++) {
                assertFalse(GoneMemberDowning.refused(
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), paused.getLocalPort())));
            }
        }
    }

    @Test
    void anUnresolvedOrLocalAddressIsNeverTakenForAGoneProcess() {
        assertFalse(GoneMemberDowning.refused(InetSocketAddress.createUnresolved("no-such-host.invalid", 25520)));
        assertFalse(GoneMemberDowning.refusedTwice(new Address("pekko", "shardview")));
    }
}
