package io.shardview.node.journal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.shardview.http.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;

/**
 * The backup file of {@code shardview journal export} and {@code import}: portable between LevelDB and PostgreSQL
 * journals, versioned and checksummed. JSON lines, UTF-8:
 *
 * <ol>
 *   <li>a header: {@code {"format": "shardview-journal-archive", "version": 1, "created", "source", "selection"}};
 *   <li>per entity, its events in order and its latest snapshot, each as the node's serialized form
 *       ({@code {"entity", "record": "event"|"snapshot", "sequence_nr", "timestamp", "serializer", "manifest",
 *       "bytes"}}, bytes in base64), then {@code {"entity", "record": "end", "events", "snapshot", "sha256"}}: the
 *       SHA-256 of the entity's record lines;
 *   <li>a trailer {@code {"record": "end-of-archive", "entities", "sha256"}}: the SHA-256 of the entities' end lines.
 * </ol>
 *
 * An entity is complete once its end line is written, so an export cut short resumes after its last complete entity.
 */
final class JournalArchive {
    static final String FORMAT = "shardview-journal-archive";
    static final int VERSION = 1;

    private JournalArchive() {}

    /**
     * Reads archive lines: a snapshot is one record, and its base64 can pass Jackson's default limit on a string
     * (20 MB); the limit here is what one Java string holds.
     */
    static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
            new com.fasterxml.jackson.databind.ObjectMapper(com.fasterxml.jackson.core.JsonFactory.builder()
                    .streamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                            .maxStringLength(Integer.MAX_VALUE)
                            .build())
                    .build());

    /** The archive is not one this build can read, or it is damaged: a message naming where. */
    static final class Damaged extends RuntimeException {
        Damaged(String message) {
            super(message);
        }
    }

    static String header(String source, String selection) {
        ObjectNode header = Json.MAPPER.createObjectNode();
        header.put("format", FORMAT).put("version", VERSION);
        header.put("created", java.time.Instant.now().toString());
        header.put("source", source).put("selection", selection);
        return header.toString();
    }

    static String record(String entity, String kind, JournalStore.Stored stored) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("entity", entity).put("record", kind);
        line.put("sequence_nr", stored.sequenceNr()).put("timestamp", stored.timestamp());
        line.put("serializer", stored.serializer()).put("manifest", stored.manifest());
        line.put("bytes", Base64.getEncoder().encodeToString(stored.bytes()));
        return line.toString();
    }

    /** An event or snapshot record; a record whose fields are missing or of the wrong kind is damaged. */
    static JournalStore.Stored stored(JsonNode line, long lineNumber) {
        for (String field : List.of("sequence_nr", "timestamp", "serializer")) {
            if (!line.path(field).isIntegralNumber())
                throw new Damaged("line " + lineNumber + ": a record without a number in " + field);
        }
        for (String field : List.of("manifest", "bytes")) {
            if (!line.path(field).isTextual())
                throw new Damaged("line " + lineNumber + ": a record without a text in " + field);
        }
        try {
            return new JournalStore.Stored(
                    line.get("sequence_nr").asLong(),
                    line.get("timestamp").asLong(),
                    line.get("serializer").asInt(),
                    line.get("manifest").asText(),
                    Base64.getDecoder().decode(line.get("bytes").asText()));
        } catch (IllegalArgumentException e) {
            throw new Damaged("line " + lineNumber + ": a record whose bytes are not base64: " + e.getMessage());
        }
    }

    static String entityEnd(String entity, long events, Long snapshot, String sha256) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("entity", entity).put("record", "end").put("events", events);
        if (snapshot == null) line.putNull("snapshot");
        else line.put("snapshot", snapshot);
        line.put("sha256", sha256);
        return line.toString();
    }

    static String trailer(long entities, String sha256) {
        ObjectNode line = Json.MAPPER.createObjectNode();
        line.put("record", "end-of-archive").put("entities", entities).put("sha256", sha256);
        return line.toString();
    }

    /** A running SHA-256 over lines (each with its newline). */
    static final class Digest {
        private final MessageDigest sha;

        Digest() {
            try {
                sha = MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        void line(String line) {
            sha.update(line.getBytes(StandardCharsets.UTF_8));
            sha.update((byte) '\n');
        }

        String hex() {
            return HexFormat.of().formatHex(sha.digest());
        }
    }

    /** Writes a line and its newline. */
    static void write(OutputStream out, String line) throws IOException {
        out.write(line.getBytes(StandardCharsets.UTF_8));
        out.write('\n');
    }

    /** What a reader is told, in file order. */
    interface Visitor {
        /** An event or the snapshot of {@code entity}; {@code kind} is "event" or "snapshot". */
        void record(String entity, String kind, JournalStore.Stored stored);

        /** The entity's records are over, their checksum verified. */
        void entityEnd(String entity, long events, Long snapshot);
    }

    /**
     * Reads a whole archive, verifying its header, every entity's checksum and the trailer, and tells the visitor
     * each record as it goes (a damaged archive throws {@link Damaged} naming the line; what the visitor was told of
     * the damaged entity is not to be used). Returns the number of entities.
     */
    static long read(Path file, Visitor visitor) throws IOException {
        try (BufferedReader in = new BufferedReader(
                new InputStreamReader(Files.newInputStream(file), StandardCharsets.UTF_8), 1 << 20)) {
            String first = in.readLine();
            JsonNode header = parse(first, 1);
            if (header == null || !FORMAT.equals(header.path("format").asText()))
                throw new Damaged(file + " is not a Shardview journal archive");
            if (header.path("version").asInt() != VERSION) {
                throw new Damaged(file + " is an archive of version "
                        + header.path("version").asInt() + "; this build reads version " + VERSION);
            }
            Digest entity = new Digest();
            Digest archive = new Digest();
            String current = null;
            long entities = 0;
            long lineNumber = 1;
            String line;
            while ((line = in.readLine()) != null) {
                lineNumber++;
                JsonNode node = parse(line, lineNumber);
                String kind = node.path("record").asText();
                if (kind.equals("end-of-archive")) {
                    if (current != null)
                        throw new Damaged("line " + lineNumber + ": entity " + current + " has no end");
                    if (node.path("entities").asLong() != entities
                            || !node.path("sha256").asText().equals(archive.hex()))
                        throw new Damaged(
                                "line " + lineNumber + ": the archive's checksum does not match its entities");
                    if (in.readLine() != null) throw new Damaged("line " + (lineNumber + 1) + ": data after the end");
                    return entities;
                }
                String id = node.path("entity").asText();
                if (current != null && !current.equals(id))
                    throw new Damaged("line " + lineNumber + ": entity " + current + " has no end");
                current = id;
                if (kind.equals("end")) {
                    if (!node.path("sha256").asText().equals(entity.hex()))
                        throw new Damaged(
                                "line " + lineNumber + ": the records of " + id + " do not match their checksum");
                    archive.line(line);
                    entity = new Digest();
                    entities++;
                    visitor.entityEnd(
                            id,
                            node.path("events").asLong(),
                            node.path("snapshot").isNull()
                                    ? null
                                    : node.path("snapshot").asLong());
                    current = null;
                } else if (kind.equals("event") || kind.equals("snapshot")) {
                    entity.line(line);
                    visitor.record(id, kind, stored(node, lineNumber));
                } else {
                    throw new Damaged("line " + lineNumber + ": unknown record " + kind);
                }
            }
            throw new Damaged(file + " ends before its end-of-archive line: it was cut short");
        }
    }

    private static JsonNode parse(String line, long number) {
        if (line == null) throw new Damaged("the archive is empty");
        try {
            return MAPPER.readTree(line);
        } catch (IOException e) {
            throw new Damaged("line " + number + " is not JSON: " + e.getMessage());
        }
    }
}
