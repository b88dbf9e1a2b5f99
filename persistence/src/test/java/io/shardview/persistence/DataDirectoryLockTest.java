package io.shardview.persistence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.persistence.DataDirectoryLock.DataDirectoryInUseException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataDirectoryLockTest {
    @TempDir
    Path tmp;

    @Test
    void createsTheDirectoryAndRecordsThePid() throws Exception {
        Path dir = tmp.resolve("a/b");
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(dir)) {
            assertEquals(dir.toAbsolutePath(), lock.directory());
            assertEquals(ProcessHandle.current().pid() + " node", Files.readString(dir.resolve("shardview.lock")));
        }
    }

    @Test
    void aHeldDirectoryIsRefusedAndFreedOnClose() {
        DataDirectoryLock first = DataDirectoryLock.acquire(tmp);
        DataDirectoryInUseException refused =
                assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(tmp));
        assertTrue(refused.getMessage().contains(tmp.toString()), refused.getMessage());
        assertEquals("node", refused.holder());
        assertEquals(Long.toString(ProcessHandle.current().pid()), refused.pid());
        first.close();
        DataDirectoryLock.acquire(tmp).close();
    }

    @Test
    void whoeverIsRefusedLearnsWhatHoldsTheDirectory() throws Exception {
        try (DataDirectoryLock tool = DataDirectoryLock.acquire(tmp, "journal tool")) {
            DataDirectoryInUseException refused =
                    assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(tmp));
            assertEquals("journal tool", refused.holder());
            assertTrue(
                    refused.getMessage().contains("in use by another shardview journal tool (pid "),
                    refused.getMessage());
        }
        // A lock file of a node from before holders were written: the pid alone.
        Files.writeString(tmp.resolve("shardview.lock"), "4242");
        try (var channel = java.nio.channels.FileChannel.open(
                        tmp.resolve("shardview.lock"), java.nio.file.StandardOpenOption.WRITE);
                var held = channel.lock()) {
            DataDirectoryInUseException refused =
                    assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(tmp));
            assertEquals("node", refused.holder());
            assertEquals("4242", refused.pid());
        }
    }
}
