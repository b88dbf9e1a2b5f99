package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(TestKitJUnit5Extension.class)
class SerializationCheckTest {

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder()
            .withCustomConfig(ConfigFactory.parseResources("serialization.conf"))
            .build();

    @Test
    void theShippedBindingsPassTheCheck() {
        SerializationCheck.verify(testKit.system());
    }

    @Test
    void aMissingBindingFailsTheCheckNamingTheSetting() {
        ActorTestKit unbound =
                ActorTestKit.create("unbound", ConfigFactory.parseString("pekko.actor.allow-java-serialization = off"));
        try {
            IllegalStateException failure =
                    assertThrows(IllegalStateException.class, () -> SerializationCheck.verify(unbound.system()));
            assertTrue(failure.getMessage().contains("serialization-bindings"), failure.getMessage());
        } finally {
            unbound.shutdownTestKit();
        }
    }

    @Test
    void javaSerializationLeftOnFailsTheCheck() {
        ActorTestKit permissive = ActorTestKit.create(
                "permissive",
                ConfigFactory.parseString("pekko.actor.allow-java-serialization = on")
                        .withFallback(ConfigFactory.parseResources("serialization.conf")));
        try {
            IllegalStateException failure =
                    assertThrows(IllegalStateException.class, () -> SerializationCheck.verify(permissive.system()));
            assertTrue(failure.getMessage().contains("allow-java-serialization"), failure.getMessage());
        } finally {
            permissive.shutdownTestKit();
        }
    }
}
