package io.shardview.multijvm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No configuration runs one entity twice over one journal: Cluster Sharding runs per region (Pekko data center), so
 * each region keeps its own copy of every tenant, and two regions writing one journal database would interleave two
 * histories of one persistence id. A journal database belongs to the region whose node first started on it; a node of
 * another region started on it is refused before it joins, stops with exit code 1 and says why; the cluster goes on,
 * and a node of its region still joins (docs/regions.md).
 */
class RegionMismatchTest {
    @TempDir
    Path tmp;

    @Test
    void aNodeOfAnotherRegionOnTheSameJournalIsRefusedAndSaysWhy() throws Exception {
        try (ThreeNodes cluster = new ThreeNodes(tmp)) {
            cluster.start(0);
            cluster.awaitReady(0);
            cluster.start(1, "--region", "eu");
            NodeProcess refused = cluster.node(1);
            assertTrue(refused.process.waitFor(120, TimeUnit.SECONDS), "the node of region eu stops");
            assertEquals(1, refused.process.exitValue());
            String stderr = refused.stderr();
            assertTrue(stderr.contains("belongs to region 'default'") && stderr.contains("region 'eu'"), stderr);

            cluster.start(2);
            cluster.awaitReady(2);
            cluster.awaitMembers(0, List.of(0, 2));
        }
    }
}
