package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import io.shardview.entity.tenant.TenantProtocol.IngestReply;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import io.shardview.entity.tenant.TenantProtocol.Ingested;
import io.shardview.entity.tenant.TenantProtocol.Refused;
import io.shardview.entity.tenant.TenantProtocol.ViewCount;
import java.io.NotSerializableException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.annotations.JUnit5TestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.JUnit5TestKitBuilder;
import org.apache.pekko.actor.testkit.typed.javadsl.TestKitJUnit5Extension;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.apache.pekko.serialization.Serializer;
import org.apache.pekko.serialization.Serializers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Ingest crosses nodes in its own form: every value comes back equal and of the same type, and bad bytes are refused. */
@ExtendWith(TestKitJUnit5Extension.class)
class IngestSerializerTest {

    @JUnit5TestKit
    ActorTestKit testKit = new JUnit5TestKitBuilder()
            .withCustomConfig(ConfigFactory.parseResources("serialization.conf"))
            .build();

    @Test
    void randomBatchesComeBackEqualWithEveryValueOfTheSameType() throws Exception {
        Random random = new Random(37);
        ActorRef<IngestResults> replyTo =
                testKit.<IngestResults>createTestProbe().ref();
        for (int round = 0; round < 300; round++) {
            List<BatchRequest> batches = new ArrayList<>();
            for (int b = random.nextInt(4) + 1; b > 0; b--) {
                List<IngestOp> ops = new ArrayList<>();
                for (int i = random.nextInt(5); i >= 0; i--) {
                    IngestOp.Kind kind = IngestOp.Kind.values()[random.nextInt(4)];
                    ops.add(new IngestOp(kind, text(random), columns(random, 0), columns(random, 0)));
                }
                String batchId = random.nextBoolean() ? null : text(random);
                long deadline = random.nextBoolean() ? 0 : random.nextLong();
                batches.add(new BatchRequest(ops, batchId, deadline));
            }
            IngestMany ingest = new IngestMany(batches, replyTo);
            IngestMany back = (IngestMany) roundTrip(ingest);
            assertEquals(ingest, back);
            for (int b = 0; b < batches.size(); b++) {
                for (int i = 0; i < batches.get(b).ops().size(); i++) {
                    IngestOp sent = batches.get(b).ops().get(i);
                    IngestOp received = back.batches().get(b).ops().get(i);
                    assertSameTypes(sent.row(), received.row());
                    assertSameTypes(sent.key(), received.key());
                }
            }
        }
    }

    @Test
    void repliesComeBackEqualRefusalsWithTheirDetails() throws Exception {
        Map<String, ViewCount> views = new LinkedHashMap<>();
        views.put("totals", new ViewCount(3, 1));
        views.put("by_day", new ViewCount(0, Long.MAX_VALUE));
        List<IngestReply> replies = List.of(
                new Ingested(41, 2, views, false),
                new Refused(RejectionKind.CONFLICT, "op 0: key exists", Map.of("op_index", 0, "table", "t")),
                new Ingested(Long.MAX_VALUE, 0, Map.of(), true),
                new Ingested(1, 1, null, true),
                new Refused(
                        RejectionKind.INVALID,
                        "op 3: bad value",
                        Map.of("op_index", 3, "column", "amount", "ok", false)));
        IngestResults results = new IngestResults(replies);
        IngestResults back = (IngestResults) roundTrip(results);
        assertEquals(results, back);
        assertEquals(
                Integer.class,
                ((Refused) back.replies().get(1)).details().get("op_index").getClass());
        assertEquals(new IngestResults(List.of()), roundTrip(new IngestResults(List.of())));
        IngestResults answered = results.from("http://10.0.0.7:8080");
        assertEquals(answered, roundTrip(answered));
    }

    /** A reply in the form before the answering node's URL (v1: the replies alone) is still read, with no URL. */
    @Test
    void repliesOfTheFormBeforeTheNodeAreStillRead() throws Exception {
        IngestResults results = new IngestResults(
                List.of(new Ingested(5, 1, Map.of("totals", new ViewCount(1, 0)), false)), "http://a:1");
        IngestSerializer serializer = (IngestSerializer) serializer(results);
        byte[] v2 = serializer.toBinary(results);
        assertEquals(IngestSerializer.INGEST_RESULTS, serializer.manifest(results));
        // v2 is v1's bytes and then the URL (its length plus one, then its UTF-8 bytes).
        byte[] v1 = Arrays.copyOf(v2, v2.length - 1 - "http://a:1".length());
        assertEquals(
                new IngestResults(results.replies(), null),
                serializer.fromBinary(v1, IngestSerializer.INGEST_RESULTS_V1));
        assertThrows(
                NotSerializableException.class, () -> serializer.fromBinary(v2, IngestSerializer.INGEST_RESULTS_V1));
    }

    @Test
    void aValueThatIsNoJsonValueIsRefusedWhenSent() {
        IngestOp op = new IngestOp(IngestOp.Kind.INSERT, "t", Map.of("x", new Object()), null);
        IngestMany ingest = new IngestMany(
                List.of(new BatchRequest(List.of(op), null, 0)),
                testKit.<IngestResults>createTestProbe().ref());
        IllegalArgumentException refused = assertThrows(
                IllegalArgumentException.class, () -> serializer(ingest).toBinary(ingest));
        assertTrue(refused.getMessage().contains("java.lang.Object"), refused.getMessage());
    }

    @Test
    void truncatedOrDamagedBytesAreRefusedAsNotSerializable() throws Exception {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", 7L);
        row.put("amount", new BigDecimal("12.50"));
        row.put("customer", "c-7");
        IngestMany ingest = new IngestMany(
                List.of(new BatchRequest(List.of(new IngestOp(IngestOp.Kind.UPSERT, "orders", row, null)), "b", 9)),
                testKit.<IngestResults>createTestProbe().ref());
        Serializer serializer = serializer(ingest);
        String manifest = Serializers.manifestFor(serializer, ingest);
        byte[] bytes = serializer.toBinary(ingest);
        for (int length = 0; length < bytes.length; length++) {
            byte[] cut = Arrays.copyOf(bytes, length);
            assertThrows(
                    NotSerializableException.class,
                    () -> ((IngestSerializer) serializer).fromBinary(cut, manifest),
                    "cut at " + length);
        }
        Random random = new Random(11);
        for (int i = 0; i < 2000; i++) {
            byte[] damaged = bytes.clone();
            damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
            try {
                ((IngestSerializer) serializer).fromBinary(damaged, manifest);
            } catch (NotSerializableException expected) {
                // refused; any other exception fails the test
            }
        }
        assertThrows(NotSerializableException.class, () -> ((IngestSerializer) serializer)
                .fromBinary(bytes, "ingest-many.v9"));
    }

    private Object roundTrip(Object message) throws Exception {
        Serializer serializer = serializer(message);
        assertInstanceOf(IngestSerializer.class, serializer);
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(testKit.system()));
        byte[] bytes = serialization.serialize(message).get();
        return serialization
                .deserialize(bytes, serializer.identifier(), Serializers.manifestFor(serializer, message))
                .get();
    }

    private Serializer serializer(Object message) {
        return SerializationExtension.get(Adapter.toClassic(testKit.system())).findSerializerFor(message);
    }

    private static void assertSameTypes(Map<String, Object> sent, Map<String, Object> received) {
        if (sent == null) return;
        sent.forEach((column, value) -> assertSameType(value, received.get(column)));
    }

    private static void assertSameType(Object sent, Object received) {
        if (sent == null) return;
        assertEquals(sent.getClass(), received.getClass());
        if (sent instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) assertSameNestedType(list.get(i), ((List<?>) received).get(i));
        }
    }

    // Inside a list or map no widening happens: an Integer stays an Integer.
    private static void assertSameNestedType(Object sent, Object received) {
        if (sent != null) assertEquals(sent.getClass(), received.getClass());
    }

    private static Map<String, Object> columns(Random random, int depth) {
        if (depth == 0 && random.nextInt(5) == 0) return null;
        Map<String, Object> values = new LinkedHashMap<>();
        for (int c = random.nextInt(6); c > 0; c--) values.put(text(random), value(random, depth));
        return values;
    }

    private static Object value(Random random, int depth) {
        return switch (random.nextInt(depth < 2 ? 12 : 10)) {
            case 0 -> null;
            case 1 -> random.nextBoolean();
            case 2 -> random.nextLong() >> random.nextInt(64);
            case 3 -> text(random);
            case 4 -> new BigDecimal(new BigInteger(random.nextInt(200) + 1, random), random.nextInt(40) - 20).negate();
            case 5 -> random.nextInt(8) == 0 ? Double.NaN : random.nextGaussian() * 1e6;
            case 6 -> random.nextInt();
            case 7 -> new BigInteger(random.nextInt(100) + 1, random);
            case 8 -> random.nextFloat();
            case 9 -> random.nextBoolean() ? Long.MIN_VALUE : Long.MAX_VALUE;
            case 10 -> {
                List<Object> list = new ArrayList<>();
                for (int i = random.nextInt(4); i > 0; i--) list.add(value(random, depth + 1));
                yield list;
            }
            default -> columns(random, depth + 1);
        };
    }

    private static String text(Random random) {
        StringBuilder s = new StringBuilder();
        for (int i = random.nextInt(12); i > 0; i--) {
            s.appendCodePoint(
                    switch (random.nextInt(4)) {
                        case 0 -> 'a' + random.nextInt(26);
                        case 1 -> 0x00e0 + random.nextInt(32); // two UTF-8 bytes
                        case 2 -> 0x4e00 + random.nextInt(512); // three
                        default -> 0x1f600 + random.nextInt(64); // four, a surrogate pair in Java
                    });
        }
        return s.toString();
    }
}
