package io.shardview.entity.tenant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.shardview.entity.tenant.TenantProtocol.BatchRequest;
import io.shardview.entity.tenant.TenantProtocol.IngestMany;
import io.shardview.entity.tenant.TenantProtocol.IngestOp;
import io.shardview.entity.tenant.TenantProtocol.IngestResults;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The bound of an ingest command's serialized size is never below what it serializes to. */
class WireSizeTest {
    private static final ActorTestKit KIT = ActorTestKit.create(ConfigFactory.parseString(
                    "pekko.actor.serialization-bindings {\"io.shardview.entity.CborSerializable\" = jackson-cbor}")
            .withFallback(ConfigFactory.load()));

    @AfterAll
    static void stop() {
        KIT.shutdownTestKit();
    }

    @Test
    void randomIngestCommandsSerializeWithinTheirBound() {
        Random random = new Random(7);
        TestProbe<IngestResults> probe = KIT.createTestProbe();
        var serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
        for (int round = 0; round < 300; round++) {
            List<BatchRequest> batches = new ArrayList<>();
            for (int b = 0, n = 1 + random.nextInt(4); b < n; b++) {
                List<IngestOp> ops = new ArrayList<>();
                for (int o = 0, m = random.nextInt(200); o < m; o++) {
                    IngestOp.Kind kind = IngestOp.Kind.values()[random.nextInt(4)];
                    Map<String, Object> columns = columns(random);
                    ops.add(
                            kind == IngestOp.Kind.DELETE
                                    ? new IngestOp(kind, text(random, 12), null, columns)
                                    : new IngestOp(kind, text(random, 12), columns, null));
                }
                batches.add(new BatchRequest(ops, random.nextBoolean() ? text(random, 40) : null, random.nextLong()));
            }
            IngestMany command = new IngestMany(batches, probe.getRef());
            byte[] bytes = serialization.serialize(command).get();
            long bound = WireSize.ingest(batches);
            assertTrue(
                    bytes.length <= bound, "round " + round + ": " + bytes.length + " bytes over the bound " + bound);
        }
    }

    @Test
    void textOfTheWidestCharactersStaysWithinTheBound() {
        TestProbe<IngestResults> probe = KIT.createTestProbe();
        var serialization = SerializationExtension.get(Adapter.toClassic(KIT.system()));
        for (int codePoint : new int[] {'z', 0xe9, 0x4e2d, 0x1f600}) {
            String wide =
                    new StringBuilder().appendCodePoint(codePoint).toString().repeat(20_000);
            List<BatchRequest> batches = List.of(new BatchRequest(
                    List.of(new IngestOp(IngestOp.Kind.UPSERT, wide, Map.of(wide, wide), null)), wide, 0));
            int bytes = serialization
                    .serialize(new IngestMany(batches, probe.getRef()))
                    .get()
                    .length;
            assertTrue(bytes <= WireSize.ingest(batches), codePoint + ": " + bytes + " > " + WireSize.ingest(batches));
        }
    }

    @Test
    void aValueOfAnUnknownTypeLeavesTheSizeUnbounded() {
        Map<String, Object> row = Map.of("tags", List.of("a", "b"));
        assertEquals(
                Long.MAX_VALUE,
                WireSize.ingest(List.of(
                        new BatchRequest(List.of(new IngestOp(IngestOp.Kind.INSERT, "t", row, null)), null, 0))));
    }

    private static Map<String, Object> columns(Random random) {
        Map<String, Object> columns = new HashMap<>();
        for (int c = 0, n = random.nextInt(8); c < n; c++) {
            Object value =
                    switch (random.nextInt(8)) {
                        case 0 -> null;
                        case 1 -> random.nextBoolean();
                        case 2 -> random.nextLong();
                        case 3 -> random.nextInt();
                        case 4 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
                        case 5 -> new BigDecimal(new BigInteger(200, random), random.nextInt(60) - 30);
                        case 6 -> new BigInteger(300, random);
                        default -> text(random, 200);
                    };
            columns.put(text(random, 16), value);
        }
        return columns;
    }

    /** Up to {@code max} code points of ASCII, Latin-1, CJK and beyond the BMP (surrogate pairs). */
    private static String text(Random random, int max) {
        StringBuilder s = new StringBuilder();
        for (int i = 0, n = random.nextInt(max + 1); i < n; i++) {
            s.appendCodePoint(
                    switch (random.nextInt(4)) {
                        case 0 -> 32 + random.nextInt(95);
                        case 1 -> 0xa0 + random.nextInt(0x60);
                        case 2 -> 0x4e00 + random.nextInt(0x5000);
                        default -> 0x1f300 + random.nextInt(0x300);
                    });
        }
        return s.toString();
    }
}
