package io.shardview.metrics.index;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LabelsTest {

    @Test
    void orderOfConstructionDoesNotChangeIdentityBytesOrHash() {
        Labels a = Labels.of("__name__", "cpu", "host", "a", "dc", "eu");
        Map<String, String> map = new LinkedHashMap<>();
        map.put("host", "a");
        map.put("dc", "eu");
        map.put("__name__", "cpu");
        Labels b = Labels.of(map);
        assertEquals(a, b);
        assertArrayEquals(a.canonicalBytes(), b.canonicalBytes());
        assertEquals(a.stableHash(), b.stableHash());
        assertEquals("{__name__=\"cpu\", dc=\"eu\", host=\"a\"}", a.toString());
    }

    @Test
    void stableHashIsAFixedFunctionOfTheLabels() {
        // Golden values computed by an independent Python FNV-1a 64 + fmix64 over the canonical bytes. A change here
        // reshuffles
        // every series across shards, so it must be deliberate.
        assertEquals(0xefd01f60ba992926L, Labels.of().stableHash());
        assertEquals(
                0x272259877ef73f75L, Labels.of("__name__", "up", "job", "api").stableHash());
    }

    @Test
    void emptyValuesAreDroppedAndDuplicateNamesRejected() {
        assertEquals(Labels.of("a", "1"), Labels.of("a", "1", "b", ""));
        assertNull(Labels.of("a", "1", "b", "").get("b"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("a", "1", "a", "2"));
        assertThrows(IllegalArgumentException.class, () -> Labels.of("", "1"));
    }

    @Test
    void namesSortByCodePointNotUtf16() {
        // U+FF21 sorts after U+1F600 in UTF-16 code units order but before it by code point.
        Labels l = Labels.of("\uD83D\uDE00", "x", "\uFF21", "y");
        assertEquals("\uFF21", l.name(0));
    }

    @Test
    void canonicalBytesAndStreamFormRoundTrip() throws IOException {
        Labels l = Labels.of("__name__", "http_requests_total", "path", "/ä/\"q\"", "code", "200");
        assertEquals(l, Labels.fromCanonicalBytes(l.canonicalBytes()));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        l.write(new DataOutputStream(bytes));
        assertEquals(l, Labels.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
    }

    @Test
    void nonCanonicalBytesAreRejected() {
        byte[] unsorted = {1, 'b', 1, '1', 1, 'a', 1, '2'};
        assertThrows(IllegalArgumentException.class, () -> Labels.fromCanonicalBytes(unsorted));
        byte[] paddedLength = {(byte) 0x81, 0, 'a', 1, '1'}; // length 1 as a two-byte var-int
        assertThrows(IllegalArgumentException.class, () -> Labels.fromCanonicalBytes(paddedLength));
        byte[] emptyValue = {1, 'a', 0, 1, 'b', 1, '2'};
        assertThrows(IllegalArgumentException.class, () -> Labels.fromCanonicalBytes(emptyValue));
        byte[] repeatedName = {1, 'a', 1, '1', 1, 'a', 1, '2'};
        assertThrows(IllegalArgumentException.class, () -> Labels.fromCanonicalBytes(repeatedName));
        byte[] canonical = {1, 'a', 1, '1', 1, 'b', 1, '2'};
        assertEquals(Labels.of("b", "2", "a", "1"), Labels.fromCanonicalBytes(canonical));
    }

    @Test
    void shardIsInRangeSpreadEvenlyAndMovesLittleWhenGrowing() {
        int shards = 16;
        int[] counts = new int[shards];
        int moved = 0;
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Labels l = Labels.of("__name__", "m", "host", "h" + i);
            int s = l.shard(shards);
            counts[s]++;
            int grown = l.shard(shards + 1);
            assertTrue(grown == s || grown == shards, "jump hash moves only to the new shard");
            moved += grown == s ? 0 : 1;
        }
        for (int c : counts) {
            assertTrue(Math.abs(c - n / shards) < n / shards / 5, "uneven shard load " + c);
        }
        assertTrue(Math.abs(moved - n / (shards + 1)) < n / (shards + 1) / 5, "moved " + moved);
        assertNotEquals(Labels.of("a", "1").shard(1 << 20), Labels.of("a", "2").shard(1 << 20));
    }
}
