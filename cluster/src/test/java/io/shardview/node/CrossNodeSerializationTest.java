package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.DdlResult;
import io.shardview.circuit.error.RejectionKind;
import io.shardview.entity.metrics.MetricsProtocol;
import io.shardview.entity.tenant.ChangeReplay;
import io.shardview.entity.tenant.Replication;
import io.shardview.entity.tenant.TenantEvent;
import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.entity.tenant.TenantProtocol.ColumnInfo;
import io.shardview.entity.tenant.ViewChange;
import io.shardview.persistence.IngestSerializer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.SerializationTestKit;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.Serialization;
import org.apache.pekko.serialization.SerializationExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every message that crosses nodes (HTTP node to entity node and back, pub-sub to other nodes)
 * comes back equal, with the same value types, from the bytes another node would receive: the
 * serializer, id and manifest chosen by the node's configuration, as Artery does it.
 */
class CrossNodeSerializationTest {
    @TempDir
    static Path dataDir;

    static ActorTestKit kit;
    static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @BeforeAll
    static void start() {
        kit = ActorTestKit.create("shardview", TestNodes.config(dataDir, Map.of("pekko.actor.provider", "local")));
    }

    @AfterAll
    static void stop() {
        kit.shutdownTestKit();
    }

    @Test
    void tenantCommandsKeepEveryValueAndItsType() {
        Map<String, Object> row = new HashMap<>();
        row.put("small", 1L);
        row.put("big", 1L << 40);
        row.put("exact", new BigDecimal("12.50"));
        row.put("huge", new BigDecimal("123456789012345678901234567890.0123456789"));
        row.put("text", "héllo");
        row.put("flag", true);
        row.put("none", null);
        TenantProtocol.IngestOp op = new TenantProtocol.IngestOp(TenantProtocol.IngestOp.Kind.UPSERT, "t", row, null);
        TenantProtocol.IngestMany ingest = new TenantProtocol.IngestMany(
                List.of(
                        new TenantProtocol.BatchRequest(List.of(op), "b-1", 1_700_000_000_000L),
                        new TenantProtocol.BatchRequest(List.of(op), null, 0)),
                ref());
        TenantProtocol.IngestMany back = roundTrip(ingest);
        assertEquals(ingest, back);
        // Ingest, the pair that crosses nodes at the clients' rate, in its compact form rather than CBOR.
        Serialization serialization = SerializationExtension.get(Adapter.toClassic(kit.system()));
        assertEquals(
                IngestSerializer.class, serialization.findSerializerFor(ingest).getClass());
        assertEquals(
                IngestSerializer.class,
                serialization
                        .findSerializerFor(new TenantProtocol.IngestResults(List.of()))
                        .getClass());
        back.batches()
                .get(0)
                .ops()
                .get(0)
                .row()
                .forEach((column, value) -> assertEquals(valueClass(row.get(column)), valueClass(value), column));

        assertRoundTrip(new TenantProtocol.ExecuteSql("CREATE TABLE t (x INT)", "key-1", 1_700_000_000_000L, ref()));
        assertRoundTrip(new TenantProtocol.ExecuteSql("CREATE TABLE t (x INT)", null, 0, ref()));
        assertRoundTrip(new TenantProtocol.ReadRows("v", true, 100, "cursor", 7L, 250L, ref()));
        assertRoundTrip(new TenantProtocol.ReadRows(
                "v", true, 100, "3", 0, 0, ref(), java.time.LocalDateTime.of(2026, 11, 27, 5, 0, 1, 500_000_000)));
        assertRoundTrip(new TenantProtocol.Describe(ref()));
        assertRoundTrip(new TenantProtocol.ExplainView("v", ref()));
        assertRoundTrip(new TenantProtocol.Query("SELECT 1", 1_700_000_000_000L, ref()));
        assertRoundTrip(new TenantProtocol.ReplayChanges("v", 7L, ref()));
        assertRoundTrip(new TenantProtocol.ReplayChanges("v", null, ref()));
        // Small budgets too stay longs when they cross nodes.
        assertRoundTrip(new TenantProtocol.SetBudgets(Map.of("max-views", 3L, "max-state-bytes", 1L << 40), ref()));
    }

    @Test
    void tenantRepliesKeepTheirKindInsideGroups() {
        TenantProtocol.Refused refused = new TenantProtocol.Refused(
                RejectionKind.CONFLICT, "op 0: key exists", Map.of("op_index", 0, "table", "t"));
        TenantProtocol.Ingested ingested =
                new TenantProtocol.Ingested(5, 2, Map.of("v", new TenantProtocol.ViewCount(1, 1)), false);
        assertRoundTrip(new TenantProtocol.IngestResults(
                List.of(ingested, refused, new TenantProtocol.Ingested(6, 1, Map.of(), true))));
        assertRoundTrip(refused);
        assertRoundTrip(
                new TenantProtocol.SqlApplied(3, List.of(new DdlResult.ChangedObject("view", "v", "created")), false));
        assertRoundTrip(new TenantProtocol.SqlApplied(3, List.of(), true));
        assertRoundTrip(new TenantProtocol.Refused(
                RejectionKind.SYNTAX, "syntax error at or near \"x\"", Map.of("line", 2, "column", 7)));
        assertRoundTrip(
                new TenantProtocol.Refused(RejectionKind.INTERNAL, "internal error", Map.of("request_id", "abc")));
        List<ColumnInfo> columns = List.of(new ColumnInfo("id", "bigint", false), new ColumnInfo("x", "double", true));
        List<List<Object>> rows =
                List.of(Arrays.asList(1L, 2.5), Arrays.asList(2L, null), Arrays.asList(3L, Double.NaN));
        assertRoundTrip(new TenantProtocol.Rows(
                "v", 9, "abc", 3, columns, rows, "next", new TenantProtocol.Freshness("eu", "us", 2, 1500)));
        assertRoundTrip(new TenantProtocol.QueryRows(columns, rows));
        assertRoundTrip(new TenantProtocol.TenantInfo(
                "t",
                4,
                List.of(new TenantProtocol.TableInfo("a", columns, List.of("id"), 10)),
                List.of(new TenantProtocol.ViewInfo("v", "SELECT id FROM a", columns, 3)),
                Map.of(
                        "max-state-rows",
                        new TenantProtocol.BudgetUse(10_000_000L, 12L, true),
                        "max-batch-ops",
                        new TenantProtocol.BudgetUse(100_000L, null, false)),
                Replication.sync(2),
                "eu",
                3,
                new TenantProtocol.ClockInfo("5s", true, "2026-11-27T05:00:05")));
        assertRoundTrip(new TenantProtocol.ViewPlan(
                "v",
                4,
                4,
                3,
                List.of(
                        new TenantProtocol.PlanOperator(0, "Read", "a", List.of(), 0, 0),
                        new TenantProtocol.PlanOperator(1, "InnerJoin", null, List.of(0, 0), 12, 2))));
        assertRoundTrip(new TenantProtocol.BudgetsReply(
                Map.of("max-views", new TenantProtocol.BudgetUse(Integer.MAX_VALUE + 1L, 2L, false))));
        ViewChange change =
                new ViewChange("t", "v", 5, 4, List.of("id", "x"), rows, List.of(List.of(7L, "12.50")), "h");
        assertRoundTrip(change);
        assertRoundTrip(new ChangeReplay.Snapshot("v", 5, 4, List.of("id", "x"), rows, "h"));
        assertRoundTrip(new ChangeReplay.Changes("v", List.of(change), 5));
        assertRoundTrip(new ChangeReplay.Gone("v", 1, 3));
        assertRoundTrip(new ChangeReplay.NotFound("no view v"));
    }

    @Test
    void replicationMessagesCarryEventsOfEveryKindBetweenRegions() {
        TenantEvent.SqlApplied sql = new TenantEvent.SqlApplied(
                1, "CREATE TABLE t (x INT)", List.of(new DdlResult.ChangedObject("table", "t", "created")), 3, null);
        TenantEvent.BatchApplied batch = new TenantEvent.BatchApplied(2, "b-1", 2, new byte[] {0, 0, 0, 0});
        TenantEvent.HomeSet home = new TenantEvent.HomeSet(0, "eu", 3, 41, "us");
        TenantEvent.Replicated earlier = new TenantEvent.Replicated("us", new TenantEvent.BudgetsSet(2, Map.of()));
        TenantEvent.ReplicationSet mode = new TenantEvent.ReplicationSet(2, "sync", 1);
        TenantEvent.ClockSet clock = new TenantEvent.ClockSet(2, 5_000_000);
        TenantProtocol.Replicate replicate = roundTrip(new TenantProtocol.Replicate(
                "eu", 1, List.of(home, sql, batch, earlier, mode, clock), 5, 2, 1_700_000_000_000L, 3));
        assertEquals(clock, replicate.events().get(5));
        assertEquals(3, replicate.epoch());
        assertEquals(List.of(home, sql), replicate.events().subList(0, 2));
        TenantEvent.BatchApplied batchBack =
                (TenantEvent.BatchApplied) replicate.events().get(2);
        assertEquals(2, batchBack.version());
        assertEquals("b-1", batchBack.batchId());
        assertArrayEquals(batch.deltas(), batchBack.deltas());
        assertEquals(earlier, replicate.events().get(3));
        assertEquals(
                Replication.sync(1),
                ((TenantEvent.ReplicationSet) replicate.events().get(4)).replication());
        assertEquals(5, replicate.homeSeqNr());

        assertRoundTrip(new TenantProtocol.Pull("us", 17, ref(), 3, "eu"));
        assertRoundTrip(new TenantProtocol.Pull("us", 17, ref(), 0, null));
        assertRoundTrip(new TenantProtocol.Diverged("eu", 3, 41));
        assertRoundTrip(new TenantProtocol.Confirmed("us", 17));
        assertRoundTrip(new TenantProtocol.WhoIsHome("us", true, ref()));
        assertRoundTrip(new TenantProtocol.HomeAnswer("eu", null, true, true, 0, 4));
        assertRoundTrip(new TenantProtocol.HomeAnswer("eu", "us", false, true, 3, 42));
        assertRoundTrip(new TenantProtocol.Forwarded(
                new TenantProtocol.ExecuteSql("CREATE TABLE t (x INT)", "k", 5, ref()),
                null,
                null,
                null,
                null,
                "us",
                1,
                null));
        assertRoundTrip(new TenantProtocol.Forwarded(
                null, null, new TenantProtocol.SetBudgets(Map.of(), ref()), null, null, "us", 2, null));
        assertRoundTrip(new TenantProtocol.Forwarded(
                null, null, null, new TenantProtocol.SetHome("eu", ref()), null, "us", 1, null));
        assertRoundTrip(new TenantProtocol.Forwarded(
                null, null, null, null, new TenantProtocol.SetReplication(Replication.sync(1), ref()), "us", 1, null));
        assertRoundTrip(new TenantProtocol.Forwarded(
                null, null, null, null, null, "us", 1, new TenantProtocol.SetClock(5_000_000, ref())));
        assertRoundTrip(new TenantProtocol.ClockReply(new TenantProtocol.ClockInfo("1s", false, null)));
        assertRoundTrip(new TenantProtocol.HomeMoved("eu", 7));
        assertRoundTrip(new TenantProtocol.ReplicationReply(Replication.ASYNC));
        assertRoundTrip(new TenantProtocol.Refused(
                RejectionKind.INSUFFICIENT_REGIONS, "too few", Map.of("min_regions", 1, "regions", "eu,ap")));
        assertRoundTrip(new TenantProtocol.BudgetsReply(Map.of()));
    }

    @Test
    void metricsMessagesKeepTheirPoints() {
        byte[] batch = {1, 2, 3, (byte) 0xff};
        MetricsProtocol.Append append = roundTrip(new MetricsProtocol.Append(batch, true, ref()));
        assertArrayEquals(batch, append.batch());
        assertRoundTrip(new MetricsProtocol.Appended(10, 2, 1));
        assertRoundTrip(new MetricsProtocol.SeriesLimitReached(100, 3, 100));
        assertRoundTrip(new MetricsProtocol.SeriesRoom(10, 2, 100));
        MetricsProtocol.CheckSeries check = roundTrip(
                new MetricsProtocol.CheckSeries(List.<String[]>of(new String[] {"__name__", "up", "job", "a"}), ref()));
        assertArrayEquals(
                new String[] {"__name__", "up", "job", "a"}, check.labelSets().get(0));
        assertRoundTrip(
                new MetricsProtocol.Select(List.of(new MetricsProtocol.MatcherSpec("=~", "job", "a.*")), 1, 2, ref()));
        assertRoundTrip(new MetricsProtocol.AggregatePartially(
                "sum by (job) (rate(up[5m]))", 1000, 2000, 15_000, 500, 50_000, ref()));
        MetricsProtocol.Partials partials = roundTrip(new MetricsProtocol.Partials(
                List.of(new MetricsProtocol.PartialGroup(
                        Map.of("job", "a"), new double[] {1.5, Double.NaN}, new long[] {2, 0})),
                false,
                false,
                null));
        assertArrayEquals(
                new double[] {1.5, Double.NaN}, partials.groups().get(0).values());
        assertArrayEquals(new long[] {2, 0}, partials.groups().get(0).counts());
        MetricsProtocol.SeriesPoints points =
                new MetricsProtocol.SeriesPoints(Map.of("__name__", "up"), new long[] {1000, 2000}, new double[] {
                    1.5, Double.longBitsToDouble(0x7ff0000000000002L)
                });
        MetricsProtocol.SeriesPoints back = roundTrip(new MetricsProtocol.Selected(List.of(points), false))
                .series()
                .get(0);
        assertEquals(points.labels(), back.labels());
        assertArrayEquals(points.timestamps(), back.timestamps());
        assertEquals(
                Double.doubleToRawLongBits(points.values()[1]),
                Double.doubleToRawLongBits(back.values()[1]),
                "the stale-marker NaN keeps its payload");
        assertRoundTrip(new MetricsProtocol.SelectBuckets(
                List.of(new MetricsProtocol.MatcherSpec("=", "__name__", "up")), 300_000, 0, 3_600_000, 1000, ref()));
        MetricsProtocol.SeriesBuckets buckets =
                new MetricsProtocol.SeriesBuckets(Map.of("__name__", "up"), new long[] {300_000}, new double[] {
                    3, 4.5, Double.NEGATIVE_INFINITY, Double.NaN, 2, 10_000, 1, 290_000, 2.5
                });
        MetricsProtocol.SelectedBuckets selected =
                roundTrip(new MetricsProtocol.SelectedBuckets(List.of(buckets), false, false));
        assertEquals(buckets.labels(), selected.series().get(0).labels());
        assertArrayEquals(buckets.starts(), selected.series().get(0).starts());
        assertArrayEquals(buckets.columns(), selected.series().get(0).columns());
        assertRoundTrip(new MetricsProtocol.SelectedBuckets(List.of(), true, false));
    }

    private static Class<?> valueClass(Object value) {
        return value == null ? Void.class : value.getClass();
    }

    @Test
    void aSqlEventWrittenBeforeTheSqlRevisionWasKeptReadsAsRevisionZero() throws Exception {
        org.apache.pekko.serialization.Serialization serialization =
                org.apache.pekko.serialization.SerializationExtension.get(
                        kit.system().classicSystem());
        TenantEvent.SqlApplied now = new TenantEvent.SqlApplied(
                1,
                "CREATE TABLE t (r REAL)",
                List.of(new DdlResult.ChangedObject("table", "t", "created")),
                io.shardview.circuit.Circuit.SQL_REVISION,
                "key");
        org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(now);
        String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, now);
        byte[] bytes = serializer.toBinary(now);
        assertEquals(
                now,
                serialization
                        .deserialize(bytes, serializer.identifier(), manifest)
                        .get());
        // The same event as a node before the revision wrote it: without the field.
        com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper cbor =
                new com.fasterxml.jackson.dataformat.cbor.databind.CBORMapper();
        com.fasterxml.jackson.databind.node.ObjectNode tree =
                (com.fasterxml.jackson.databind.node.ObjectNode) cbor.readTree(bytes);
        assertEquals(
                io.shardview.circuit.Circuit.SQL_REVISION,
                tree.remove("revision").asInt());
        assertEquals("key", tree.remove("requestKey").asText()); // nor the Idempotency-Key, kept since
        TenantEvent.SqlApplied old = (TenantEvent.SqlApplied) serialization
                .deserialize(cbor.writeValueAsBytes(tree), serializer.identifier(), manifest)
                .get();
        assertEquals(0, old.sqlRevision());
        assertEquals(null, old.requestKey());
        assertEquals(now.sql(), old.sql());
    }

    @Test
    void aBudgetsEventReadsBackWithItsNameAndLongValues() {
        org.apache.pekko.serialization.Serialization serialization =
                org.apache.pekko.serialization.SerializationExtension.get(
                        kit.system().classicSystem());
        TenantEvent.BudgetsSet set =
                new TenantEvent.BudgetsSet(4, Map.of("max-views", 3L, "max-state-bytes", 1L << 40));
        org.apache.pekko.serialization.Serializer serializer = serialization.findSerializerFor(set);
        String manifest = org.apache.pekko.serialization.Serializers.manifestFor(serializer, set);
        byte[] bytes = serializer.toBinary(set);
        assertTrue(new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1).contains("budgets-set.v1"));
        TenantEvent.BudgetsSet back = (TenantEvent.BudgetsSet) serialization
                .deserialize(bytes, serializer.identifier(), manifest)
                .get();
        assertEquals(set, back);
        assertEquals(Long.class, back.budgets().get("max-views").getClass());
    }

    private static <T> ActorRef<T> ref() {
        return kit.<T>createTestProbe().ref();
    }

    /** Equal after the trip; a reply (no actor ref inside) also renders as the same JSON, which is what clients see. */
    private static void assertRoundTrip(Object message) {
        Object back = roundTrip(message);
        assertEquals(message.getClass(), back.getClass());
        if (message instanceof TenantProtocol.Command || message instanceof MetricsProtocol.Command) {
            assertEquals(message, back, message.getClass().getSimpleName());
        } else {
            assertEquals(json(message), json(back), message.getClass().getSimpleName());
        }
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T message) {
        return (T) new SerializationTestKit(kit.system()).verifySerialization(message, false);
    }
}
