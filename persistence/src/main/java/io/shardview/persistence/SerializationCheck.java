package io.shardview.persistence;

import io.shardview.entity.CborSerializable;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.jackson.JacksonCborSerializer;

/**
 * Start-up check that journal and wire messages will be written as Jackson CBOR.
 *
 * <p>A missing or misspelled {@code serialization-bindings} entry would otherwise surface only at
 * the first persist, as a failed write. Checked once, before the node reports ready.
 */
public final class SerializationCheck {
    private SerializationCheck() {}

    /** A message as entities define theirs: a record marked {@link CborSerializable}. */
    public record Probe(String text, long number) implements CborSerializable {}

    /** Fails with a message naming the setting at fault, or returns normally. */
    public static void verify(ActorSystem<?> system) {
        if (system.settings().config().getBoolean("pekko.actor.allow-java-serialization")) {
            throw new IllegalStateException(
                    "pekko.actor.allow-java-serialization must be off: every message is bound to Jackson CBOR");
        }
        Serialization serialization = SerializationExtension.get(system);
        Probe probe = new Probe("probe", 42L);
        Serializer serializer;
        try {
            serializer = serialization.findSerializerFor(probe);
        } catch (Exception noBinding) { // Scala's NotSerializableException, undeclared
            serializer = null;
        }
        if (!(serializer instanceof JacksonCborSerializer)) {
            throw new IllegalStateException("pekko.actor.serialization-bindings must bind "
                    + CborSerializable.class.getName() + " to jackson-cbor, found "
                    + (serializer == null ? "no binding" : serializer.getClass().getName()));
        }
        byte[] bytes = serializer.toBinary(probe);
        Object back = serialization
                .deserialize(bytes, serializer.identifier(), Probe.class.getName())
                .get();
        if (!probe.equals(back)) {
            throw new IllegalStateException("Jackson CBOR round trip changed " + probe + " into " + back);
        }
    }
}
