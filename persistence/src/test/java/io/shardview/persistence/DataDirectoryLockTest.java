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
            assertEquals(Long.toString(ProcessHandle.current().pid()), Files.readString(dir.resolve("shardview.lock")));
        }
    }

    @Test
    void aHeldDirectoryIsRefusedAndFreedOnClose() {
        DataDirectoryLock first = DataDirectoryLock.acquire(tmp);
        DataDirectoryInUseException refused =
                assertThrows(DataDirectoryInUseException.class, () -> DataDirectoryLock.acquire(tmp));
        assertTrue(refused.getMessage().contains(tmp.toString()), refused.getMessage());
        first.close();
        DataDirectoryLock.acquire(tmp).close();
    }
}
