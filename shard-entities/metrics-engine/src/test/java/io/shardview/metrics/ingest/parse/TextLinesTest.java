package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TextLinesTest {

    @Test
    void lineEndFindsTheFirstNewlineAtEveryOffsetAndByteValue() {
        Random rnd = new Random(1);
        for (int round = 0; round < 2000; round++) {
            byte[] body = new byte[rnd.nextInt(40)];
            for (int i = 0; i < body.length; i++) {
                // bytes next to '\n' (0x0B, 0x09), high bytes and newlines, to catch false matches
                int pick = rnd.nextInt(6);
                body[i] = (byte)
                        (pick == 0 ? '\n' : pick == 1 ? 0x0B : pick == 2 ? 0x09 : pick == 3 ? 0x8A : rnd.nextInt(256));
            }
            int from = body.length == 0 ? 0 : rnd.nextInt(body.length + 1);
            int expected = from;
            while (expected < body.length && body[expected] != '\n') expected++;
            assertEquals(expected, TextLines.lineEnd(body, from), "round " + round);
        }
    }

    @Test
    void linesAreSplitOnNewlinesWithCarriageReturnsDropped() {
        byte[] body = "first line of text\r\nsecond\n\nthe fourth and last line, longer than a word"
                .getBytes(StandardCharsets.UTF_8);
        List<String> lines = new ArrayList<>();
        TextLines.forEach(
                body, (start, end) -> lines.add(new String(body, start, end - start, StandardCharsets.UTF_8)));
        assertEquals(
                List.of("first line of text", "second", "", "the fourth and last line, longer than a word"), lines);
    }
}
