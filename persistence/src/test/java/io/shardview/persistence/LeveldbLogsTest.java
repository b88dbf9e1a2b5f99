package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LeveldbLogsTest {
    @TempDir
    Path dir;

    @Test
    void onlyLevelDbsNumberedLogsAreLogs() {
        assertTrue(LeveldbLogs.isLog("000001.log"));
        assertTrue(LeveldbLogs.isLog("123.log"));
        assertFalse(LeveldbLogs.isLog("LOG"));
        assertFalse(LeveldbLogs.isLog("LOG.old"));
        assertFalse(LeveldbLogs.isLog(".log"));
        assertFalse(LeveldbLogs.isLog("000002.ldb"));
        assertFalse(LeveldbLogs.isLog("MANIFEST-000003"));
        assertFalse(LeveldbLogs.isLog("x00001.log"));
    }

    @Test
    void logsThatComeAndGoBetweenRoundsAreForcedWhileTheyExist() throws Exception {
        Files.writeString(dir.resolve("000001.log"), "a");
        Files.writeString(dir.resolve("LOG"), "not a write-ahead log");
        try (LeveldbLogs logs = new LeveldbLogs(dir)) {
            logs.force();
            Files.delete(dir.resolve("000001.log")); // LevelDB deletes a log once its table file is synced
            Files.writeString(dir.resolve("000002.log"), "b");
            logs.force();
            logs.force();
            Files.writeString(dir.resolve("000002.log"), "bc"); // its channel, kept open, forces the new bytes
            logs.force();
        }
    }

    @Test
    void theDirectoryIsListedAgainOnlyWhenItMayHaveChangedEvenWithACoarseClock() throws Exception {
        Files.writeString(dir.resolve("000001.log"), "a");
        FileTime settled = FileTime.fromMillis(System.currentTimeMillis() - 10_000);
        Files.setLastModifiedTime(dir, settled);
        try (LeveldbLogs logs = new LeveldbLogs(dir)) {
            logs.force();
            logs.force();
            assertEquals(1, logs.listings, "a directory unchanged for seconds is not listed again");
            assertEquals(Set.of(dir.resolve("000001.log")), logs.logs());

            Files.writeString(dir.resolve("000002.log"), "b"); // the directory's time changes
            logs.force();
            assertEquals(2, logs.listings);
            assertEquals(Set.of(dir.resolve("000001.log"), dir.resolve("000002.log")), logs.logs());

            // A clock too coarse to tell two changes apart: the third log leaves the directory's time as the listing
            // saw it. Still listed again, since that time was recent at the listing.
            FileTime seen = Files.getLastModifiedTime(dir);
            Files.writeString(dir.resolve("000003.log"), "c");
            Files.setLastModifiedTime(dir, seen);
            logs.force();
            assertTrue(
                    logs.logs().contains(dir.resolve("000003.log")), logs.logs().toString());
        }
    }
}
