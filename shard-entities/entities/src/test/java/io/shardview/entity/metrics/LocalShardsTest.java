package io.shardview.entity.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.metrics.index.LabelPairFilter;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.index.Matcher;
import io.shardview.metrics.index.SeriesRegistry;
import io.shardview.metrics.storage.ShardStorage;
import io.shardview.metrics.storage.StorageConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class LocalShardsTest {
    private static final List<List<Matcher>> JOB_DB = List.of(List.of(Matcher.eq("job", "db")));

    @Test
    void aShardIsLeftOutOnlyWhileItRunsHereWithoutThePairs() {
        LocalShards local = new LocalShards();
        SeriesRegistry series = new SeriesRegistry();
        series.getOrCreate(Labels.of("__name__", "up", "job", "api"));
        assertTrue(local.mayHold("t.0", JOB_DB), "not running here");
        local.running("t.0", series.pairFilter(), null, null);
        assertFalse(local.mayHold("t.0", JOB_DB));
        assertTrue(local.mayHold("t.0", List.of(List.of(Matcher.eq("job", "api")))));
        local.stopped("t.0", series.pairFilter());
        assertTrue(local.mayHold("t.0", JOB_DB), "stopped");
    }

    @Test
    void theStopOfAnEarlierIncarnationLeavesTheNextInPlace() {
        LocalShards local = new LocalShards();
        LabelPairFilter earlier = new SeriesRegistry().pairFilter();
        local.running("t.0", earlier, null, null);
        local.running("t.0", new SeriesRegistry().pairFilter(), null, null); // restarted after a failure
        local.stopped("t.0", earlier);
        assertFalse(local.mayHold("t.0", JOB_DB), "the running incarnation's pairs still answer");
    }

    @Test
    void aLeftOutShardIsKeptRunningAtMostOnceAnInterval() {
        LocalShards local = new LocalShards();
        assertFalse(local.keepRunningDue("t.0", 0), "nothing to keep: not running here");
        local.running("t.0", new SeriesRegistry().pairFilter(), null, null);
        assertTrue(local.keepRunningDue("t.0", 0));
        assertFalse(local.keepRunningDue("t.0", Long.MAX_VALUE / 2), "kept just now");
    }

    @Test
    void aShardIsReadHereOnlyWhileItRunsHereAndIsNotWriting() {
        LocalShards local = new LocalShards();
        ShardStorage storage = new ShardStorage(StorageConfig.defaults());
        GuardedStorage guarded = new GuardedStorage(storage);
        assertNull(local.readHere("t.0", ShardStorage::activeSeries), "not running here");
        local.running("t.0", storage.pairFilter(), null, null);
        assertNull(local.readHere("t.0", ShardStorage::activeSeries), "running, readable only by asking it");
        local.running("t.0", storage.pairFilter(), null, guarded);
        assertEquals(0, local.readHere("t.0", ShardStorage::activeSeries));
        long stamp = guarded.beginWrite();
        assertNull(local.readHere("t.0", ShardStorage::activeSeries), "writing");
        guarded.endWrite(stamp);
        assertEquals(0, local.readHere("t.0", ShardStorage::activeSeries));
        local.stopped("t.0", storage.pairFilter());
        assertNull(local.readHere("t.0", ShardStorage::activeSeries), "stopped");
    }
}
