package io.shardview.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.shardview.persistence.JournalSettings;
import io.shardview.testsupport.TestPostgres;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Nodes of a region start together and each creates the node's own tables beside the journal (region claim, presence,
 * the resolver's lease). PostgreSQL's {@code CREATE TABLE IF NOT EXISTS} is not atomic: the loser of two concurrent
 * creations fails on the catalog's unique index, which once stopped a node at start in TwoRegionsTest.
 */
class TableCreationRaceTest {
    private static final String CREATE = "CREATE TABLE IF NOT EXISTS raced (id INT PRIMARY KEY)";

    @Test
    void concurrentCreationsOfOneTableAllSucceed() throws Exception {
        int nodes = 4;
        ExecutorService pool = Executors.newFixedThreadPool(nodes);
        try (JournalDatabase db = new JournalDatabase()) {
            for (int round = 0; round < 30; round++) {
                db.execute("DROP TABLE IF EXISTS raced");
                CyclicBarrier together = new CyclicBarrier(nodes);
                List<Future<?>> created = new ArrayList<>();
                for (int i = 0; i < nodes; i++) {
                    created.add(pool.submit(() -> {
                        try (Connection c = TestPostgres.connect(db.name)) {
                            together.await();
                            JournalSettings.createTableIfAbsent(c, CREATE);
                            c.createStatement().execute("SELECT count(*) FROM raced");
                        }
                        return null;
                    }));
                }
                for (Future<?> done : created) done.get(); // throws if any creation failed
            }
            assertEquals(0, db.count("SELECT count(*) FROM raced"));
        } finally {
            pool.shutdownNow();
        }
    }
}
