package io.shardview.node.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local snapshot store's files of one persistence id: the name's prefix {@code snapshot-tenant%7Cacme-} is also
 * that of every id continuing {@code tenant|acme} with a dash, whose snapshots the journal tools must not take as its
 * own (truncate and skip delete them).
 */
class SnapshotFileNamesTest {
    @TempDir
    Path dir;

    @Test
    void onlyTheIdsOwnSnapshotsAreItsOwn() throws Exception {
        for (String name : List.of(
                "snapshot-tenant%7Cacme-5-1764201600000",
                "snapshot-tenant%7Cacme-12-1764201600001",
                "snapshot-tenant%7Cacme-eu-120-1764201600000",
                "snapshot-tenant%7Cacme-2-120-1764201600000",
                "snapshot-tenant%7Cacme-7-1764201600000.tmp",
                "snapshot-tenant%7Cacmex-9-1764201600000")) {
            Files.createFile(dir.resolve(name));
        }
        Config config = ConfigFactory.parseMap(Map.of("pekko.persistence.snapshot-store.local.dir", dir.toString()));

        List<Long> acme = JournalTail.snapshotFiles(config, "tenant|acme", 0).stream()
                .map(file -> JournalTail.snapshotSequenceNr(file.getFileName().toString(), "tenant|acme"))
                .sorted()
                .toList();
        assertEquals(List.of(5L, 12L), acme);
        assertEquals(
                List.of(12L),
                JournalTail.snapshotFiles(config, "tenant|acme", 5).stream()
                        .map(file -> JournalTail.snapshotSequenceNr(
                                file.getFileName().toString(), "tenant|acme"))
                        .toList());
        assertEquals(
                120, JournalTail.snapshotSequenceNr("snapshot-tenant%7Cacme-eu-120-1764201600000", "tenant|acme-eu"));
        assertEquals(
                120, JournalTail.snapshotSequenceNr("snapshot-tenant%7Cacme-2-120-1764201600000", "tenant|acme-2"));
        assertEquals(-1, JournalTail.snapshotSequenceNr("snapshot-tenant%7Cacme-eu-120-1764201600000", "tenant|acme"));
    }
}
