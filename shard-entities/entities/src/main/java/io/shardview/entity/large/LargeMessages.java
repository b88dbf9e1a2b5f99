package io.shardview.entity.large;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.apache.pekko.cluster.sharding.typed.javadsl.EntityRef;

/**
 * Messages of any size between nodes. Pekko remoting drops a message larger than its frame
 * ({@code pekko.remote.artery.advanced.maximum-frame-size}, 256 KiB) with only a log line, so a batch, a page of rows
 * or a replicated event above it would never arrive. A message that serializes larger than a part
 * ({@link #partBytes}: the frame less room for the envelope) is sent as {@link Part}s instead, each under the frame,
 * and made whole where it arrives:
 *
 * <ul>
 *   <li>to a sharded entity ({@link #viaSharding}), the parts go through sharding, in order, to the entity, which
 *       keeps an {@link Assembly} and handles the message once whole (its protocol wraps a part as a command);
 *   <li>to an actor ref on another node, such as the asker of a reply ({@link #tell}), the parts go to that node's
 *       {@link #REASSEMBLER}, which tells the whole message to the ref there.
 * </ul>
 *
 * A small message, and any message to an actor of this node, goes as it is. A lost part loses the message, as a lost
 * message would be lost: the sender's ask times out.
 */
public final class LargeMessages {
    private LargeMessages() {}

    /** Name of the system actor on every node that makes parts whole for actors of that node. */
    public static final String REASSEMBLER = "large-messages";

    /** Room left in a frame for the envelope around a part: recipient and sender paths, manifest, sharding's wrap. */
    private static final int ENVELOPE_ROOM = 64 * 1024;

    /** Bytes a node holds at most in unfinished transfers; past it the oldest are dropped. */
    static final long MAX_PENDING_BYTES = 512L * 1024 * 1024;

    /** How long a transfer may take from its first part to its last before it is dropped. */
    static final long MAX_TRANSFER_MILLIS = 120_000;

    /** Each system's {@link #partBytes}, read from its config once: every message sent between nodes asks. */
    private static final Map<ActorSystem<?>, Integer> PART_BYTES = Collections.synchronizedMap(new WeakHashMap<>());

    /** The largest serialized message sent as it is: the frame less the envelope room. */
    public static int partBytes(ActorSystem<?> system) {
        return PART_BYTES.computeIfAbsent(system, s -> {
            long frame = s.settings().config().getBytes("pekko.remote.artery.advanced.maximum-frame-size");
            return (int) Math.max(16 * 1024, frame - ENVELOPE_ROOM);
        });
    }

    /** An assembly with the node's bounds, for an entity receiving parts through sharding. */
    public static Assembly assembly() {
        return new Assembly(MAX_PENDING_BYTES, MAX_TRANSFER_MILLIS, System::currentTimeMillis);
    }

    /**
     * The message to send to a sharded entity: the message itself when it fits in one frame; else, after telling the
     * entity every part but the last (each wrapped by {@code asCommand}), the last part. Meant for inside an ask's
     * message function, so the ask sends that last part after the others, on the same path.
     */
    public static <M> M viaSharding(
            ActorSystem<?> system, EntityRef<M> entity, M message, Function<Part, M> asCommand) {
        List<Part> parts = Part.cut(system, message, null, partBytes(system));
        if (parts == null) return message;
        for (int i = 0; i < parts.size() - 1; i++) entity.tell(asCommand.apply(parts.get(i)));
        return asCommand.apply(parts.get(parts.size() - 1));
    }

    /**
     * As {@link #viaSharding(ActorSystem, EntityRef, Object, Function)} for a message the caller knows serializes to
     * at most {@code atMostBytes}: one that surely fits in a part goes as it is, without being serialized to measure
     * it (a metrics append on the ingest path).
     */
    public static <M> M viaSharding(
            ActorSystem<?> system, EntityRef<M> entity, M message, Function<Part, M> asCommand, long atMostBytes) {
        if (atMostBytes <= partBytes(system)) return message;
        return viaSharding(system, entity, message, asCommand);
    }

    /** Tells a sharded entity the message, in parts when it does not fit in one frame. */
    public static <M> void tellViaSharding(
            ActorSystem<?> system, EntityRef<M> entity, M message, Function<Part, M> asCommand) {
        entity.tell(viaSharding(system, entity, message, asCommand));
    }

    /**
     * Tells {@code to} the message: as it is when {@code to} is on this node or the message fits in one frame, else in
     * parts through the reassembler of {@code to}'s node.
     */
    public static <T> void tell(ActorSystem<?> system, ActorRef<T> to, T message) {
        if (to.path().address().hasLocalScope()) {
            to.tell(message);
            return;
        }
        List<Part> parts = Part.cut(system, message, to, partBytes(system));
        if (parts == null) {
            to.tell(message);
            return;
        }
        var reassembler = Adapter.toClassic(system)
                .actorSelection(to.path().root().$div("system").$div(REASSEMBLER));
        for (Part part : parts) reassembler.tell(part, org.apache.pekko.actor.ActorRef.noSender());
    }

    /** The reassembler of a node: makes parts whole and tells each message to its target on this node. */
    public static Behavior<Part> reassembler() {
        return Behaviors.setup(context -> {
            Assembly assembly = assembly();
            return Behaviors.receiveMessage(part -> {
                Object whole = assembly.receive(part, context.getSystem(), context.getLog(), "large-messages");
                if (whole != null) target(part).tell(whole); // the last part names the target
                return Behaviors.same();
            });
        });
    }

    @SuppressWarnings("unchecked")
    private static ActorRef<Object> target(Part last) {
        return (ActorRef<Object>) last.target();
    }
}
