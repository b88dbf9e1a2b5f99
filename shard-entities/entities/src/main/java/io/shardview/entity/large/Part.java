package io.shardview.entity.large;

import io.shardview.entity.CborSerializable;
import org.apache.pekko.actor.typed.ActorRef;

/**
 * One piece of a message too large for one remoting frame: bytes {@code index} of {@code count} of the message's
 * serialized form (its serializer id and manifest), in transfer {@code transfer}. {@code target}: the actor the whole
 * message is for, when the parts go to a node's {@link LargeMessages#REASSEMBLER}; null when they go through sharding
 * to the entity itself.
 */
public record Part(
        String transfer, int index, int count, int serializerId, String manifest, byte[] bytes, ActorRef<?> target)
        implements CborSerializable {
    /** Whether this is the transfer's last part. */
    public boolean last() {
        return index == count - 1;
    }
}
