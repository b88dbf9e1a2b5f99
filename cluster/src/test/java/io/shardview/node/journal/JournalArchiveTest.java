package io.shardview.node.journal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The backup file's format: records come back as written, a large snapshot included; damage is named. */
class JournalArchiveTest {
    @TempDir
    Path dir;

    private Path write(byte[] snapshot) throws Exception {
        Path file = dir.resolve("a.svj");
        try (OutputStream out = Files.newOutputStream(file)) {
            JournalArchive.write(out, JournalArchive.header("src", "--all"));
            JournalArchive.Digest entity = new JournalArchive.Digest();
            for (String line : List.of(
                    JournalArchive.record(
                            "tenant|t", "event", new JournalStore.Stored(1, 10, 9101, "", new byte[] {1, 2})),
                    JournalArchive.record(
                            "tenant|t", "snapshot", new JournalStore.Stored(1, 11, 9103, "m", snapshot)))) {
                JournalArchive.write(out, line);
                entity.line(line);
            }
            String end = JournalArchive.entityEnd("tenant|t", 1, 1L, entity.hex());
            JournalArchive.write(out, end);
            JournalArchive.Digest archive = new JournalArchive.Digest();
            archive.line(end);
            JournalArchive.write(out, JournalArchive.trailer(1, archive.hex()));
        }
        return file;
    }

    @Test
    void recordsComeBackAsWrittenIncludingASnapshotLargerThanJacksonsStringLimit() throws Exception {
        byte[] snapshot = new byte[16 * 1024 * 1024]; // 22 MB of base64: past Jackson's default 20 MB string limit
        new Random(1).nextBytes(snapshot);
        List<JournalStore.Stored> read = new ArrayList<>();
        long entities = JournalArchive.read(write(snapshot), new JournalArchive.Visitor() {
            @Override
            public void record(String entity, String kind, JournalStore.Stored stored) {
                read.add(stored);
            }

            @Override
            public void entityEnd(String entity, long events, Long snapshotAt) {
                assertEquals(1L, snapshotAt);
            }
        });
        assertEquals(1, entities);
        assertArrayEquals(new byte[] {1, 2}, read.get(0).bytes());
        assertEquals("m", read.get(1).manifest());
        assertArrayEquals(snapshot, read.get(1).bytes());
    }

    @Test
    void aChangedOrCutFileIsDamagedAndSaysWhere() throws Exception {
        Path file = write(new byte[] {9, 9, 9});
        List<String> lines = Files.readAllLines(file);
        JournalArchive.Visitor ignore = new JournalArchive.Visitor() {
            @Override
            public void record(String entity, String kind, JournalStore.Stored stored) {}

            @Override
            public void entityEnd(String entity, long events, Long snapshot) {}
        };
        List<String> changed = new ArrayList<>(lines);
        changed.set(1, changed.get(1).replace("\"AQI=\"", "\"AQM=\""));
        Files.write(file, changed);
        var damaged = assertThrows(JournalArchive.Damaged.class, () -> JournalArchive.read(file, ignore));
        assertTrue(damaged.getMessage().contains("line 4: the records of tenant|t do not match"), damaged.getMessage());

        Files.write(file, lines.subList(0, 4));
        var cut = assertThrows(JournalArchive.Damaged.class, () -> JournalArchive.read(file, ignore));
        assertTrue(cut.getMessage().contains("cut short"), cut.getMessage());

        // A changed byte in a field's name: still JSON, but a record without the field.
        for (String field : List.of("sequence_nr", "serializer", "bytes")) {
            List<String> renamed = new ArrayList<>(lines);
            renamed.set(1, renamed.get(1).replace("\"" + field + "\"", "\"" + field + "x\""));
            Files.write(file, renamed);
            var missing = assertThrows(JournalArchive.Damaged.class, () -> JournalArchive.read(file, ignore));
            assertTrue(missing.getMessage().contains("line 2: a record without"), missing.getMessage());
        }
        List<String> notBase64 = new ArrayList<>(lines);
        notBase64.set(1, notBase64.get(1).replace("\"AQI=\"", "\"A?I=\""));
        Files.write(file, notBase64);
        var bytes = assertThrows(JournalArchive.Damaged.class, () -> JournalArchive.read(file, ignore));
        assertTrue(bytes.getMessage().contains("not base64"), bytes.getMessage());

        List<String> newer = new ArrayList<>(lines);
        newer.set(0, newer.get(0).replace("\"version\":1", "\"version\":2"));
        Files.write(file, newer);
        var version = assertThrows(JournalArchive.Damaged.class, () -> JournalArchive.read(file, ignore));
        assertTrue(version.getMessage().contains("version 2"), version.getMessage());
    }
}
