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

    @Test
    void aBackfillKeepsItsKindThroughTheJournalSoReplayBackfillsAgain() {
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        byte[] batch = io.shardview.metrics.storage.PointBatch.builder()
                .add(io.shardview.metrics.index.Labels.of("__name__", "m"), 1_700_000_000_000L, 1.5)
                .build()
                .toBytes();
        for (boolean backfill : new boolean[] {false, true}) {
            MetricsEvent.PointsAppended event = MetricsEvent.PointsAppended.fromBytes(batch, backfill);
            var serializer = serialization.findSerializerFor(event);
            String manifest = Serializers.manifestFor(serializer, event);
            assertEquals(backfill ? "points-backfilled.v1" : "points-appended.v1", manifest);
            var back = (MetricsEvent.PointsAppended) serialization
                    .deserialize(serialization.serialize(event).get(), serializer.identifier(), manifest)
                    .get();
            assertEquals(backfill, back.backfill());
            assertEquals(1, back.batch().pointCount());
        }
    }
}
