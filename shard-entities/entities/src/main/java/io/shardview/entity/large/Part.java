package io.shardview.entity.large;

import io.shardview.entity.CborSerializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;

/**
 * One piece of a message too large for one remoting frame: bytes {@code index} of {@code count} of the message's
 * serialized form (its serializer id and manifest), in transfer {@code transfer}. {@code target}: the actor the whole
 * message is for, when the parts go to a node's {@link LargeMessages#REASSEMBLER}; null when they go through sharding
 * to the entity itself. A message is cut into parts and made whole again here, as remoting would serialize it.
 */
public record Part(
        String transfer, int index, int count, int serializerId, String manifest, byte[] bytes, ActorRef<?> target)
        implements CborSerializable {
    /** Whether this is the transfer's last part. */
    public boolean last() {
        return index == count - 1;
    }

    /**
     * The message serialized and cut into parts of at most {@code partBytes}, as remoting would serialize it; null
     * when it fits in one part. {@code target}: set on the last part, for a reassembler.
     */
    static List<Part> cut(ActorSystem<?> system, Object message, ActorRef<?> target, int partBytes) {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(system));
        Serializer serializer = serialization.findSerializerFor(message);
        // As remoting does, with this node's address in the actor refs inside the message.
        byte[] bytes = serialization.serialize(message).get();
        if (bytes.length <= partBytes) return null;
        String manifest = Serializers.manifestFor(serializer, message);
        String transfer = UUID.randomUUID().toString();
        int count = (bytes.length + partBytes - 1) / partBytes;
        List<Part> parts = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            byte[] piece = Arrays.copyOfRange(bytes, i * partBytes, Math.min(bytes.length, (i + 1) * partBytes));
            parts.add(new Part(
                    transfer, i, count, serializer.identifier(), manifest, piece, i == count - 1 ? target : null));
        }
        return parts;
    }

    /** The message the parts of one transfer make, deserialized as remoting would. */
    static Object whole(ActorSystem<?> system, List<Part> parts) {
        int size = 0;
        for (Part part : parts) size += part.bytes().length;
        byte[] bytes = new byte[size];
        int at = 0;
        for (Part part : parts) {
            System.arraycopy(part.bytes(), 0, bytes, at, part.bytes().length);
            at += part.bytes().length;
        }
        Part last = parts.get(parts.size() - 1);
        return SerializationExtension.get(Adapter.toClassic(system))
                .deserialize(bytes, last.serializerId(), last.manifest())
                .get();
    }
}
