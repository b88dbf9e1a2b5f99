package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.typesafe.config.ConfigFactory;
import io.shardview.entity.metrics.MetricsEvent;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
class MetricsSerializerTest {

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder()
            .withCustomConfig(ConfigFactory.parseResources("serialization.conf"))
            .build();

    @Test
    void aRetentionEventIsBoundToTheBinarySerializerAndKeepsItsCutoffs() {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        MetricsEvent.RetentionApplied event = new MetricsEvent.RetentionApplied(1_763_760_000_000L, 1_732_224_000_123L);
        var serializer = serialization.findSerializerFor(event);
        assertInstanceOf(MetricsSerializer.class, serializer);
        byte[] bytes = serialization.serialize(event).get();
        assertEquals(16, bytes.length);
        Object back = serialization
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, event))
                .get();
        assertEquals(event, back);
    }

    @Test
    void aHeadsSealedEventIsBoundToTheBinarySerializerAndEmpty() {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        MetricsEvent.HeadsSealed event = new MetricsEvent.HeadsSealed();
        var serializer = serialization.findSerializerFor(event);
        assertInstanceOf(MetricsSerializer.class, serializer);
        byte[] bytes = serialization.serialize(event).get();
        assertEquals(0, bytes.length);
        Object back = serialization
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, event))
                .get();
        assertEquals(event, back);
    }
}
