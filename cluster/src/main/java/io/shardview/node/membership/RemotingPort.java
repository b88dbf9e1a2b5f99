package io.shardview.node.membership;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import org.apache.pekko.actor.Address;

/**
 * A node's remoting port, tried with a plain TCP connection: whether a process listens there says something Pekko's
 * own messages cannot when nothing answers them (the process is gone, or only busy or paused, whose port the kernel
 * still accepts on). Used by {@link GoneMemberDowning} (refused: gone) and {@link MemberPresence} (accepted: running).
 */
final class RemotingPort {
    /** What a connection attempt met. */
    enum Answer {
        ACCEPTED,
        REFUSED,
        /** Timed out, unroutable, unresolved, or another failure: nothing can be said. */
        UNKNOWN
    }

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(1);

    private RemotingPort() {}

    /** The port of {@code address}, or null when it names no host and port. */
    static InetSocketAddress of(Address address) {
        if (address.getHost().isEmpty() || address.getPort().isEmpty()) return null;
        return new InetSocketAddress(
                address.getHost().get(), (Integer) address.getPort().get());
    }

    /** One connection attempt to {@code target}, closed at once. */
    static Answer probe(InetSocketAddress target) {
        if (target == null || target.isUnresolved()) return Answer.UNKNOWN;
        try (Socket socket = new Socket()) {
            socket.connect(target, (int) CONNECT_TIMEOUT.toMillis());
            return Answer.ACCEPTED;
        } catch (ConnectException e) {
            return String.valueOf(e.getMessage()).contains("refused") ? Answer.REFUSED : Answer.UNKNOWN;
        } catch (IOException e) {
            return Answer.UNKNOWN;
        }
    }
}
