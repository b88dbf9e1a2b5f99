package io.shardview.circuit.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.DataInput;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Values written across chunk boundaries read back as written, as a DataInput, a stream and an array. */
class ChunkedBytesTest {
    @Test
    void valuesCrossingChunksReadBackAsWritten() throws IOException {
        Random random = new Random(7);
        ChunkedBytes chunked = new ChunkedBytes();
        ByteArrayOutputStream whole = new ByteArrayOutputStream();
        DataOutputStream a = new DataOutputStream(chunked);
        DataOutputStream b = new DataOutputStream(whole);
        long[] longs = new long[200_000];
        for (int i = 0; i < longs.length; i++) {
            longs[i] = random.nextLong();
            // an odd number of bytes before each long, so longs, ints and shorts straddle every chunk boundary
            a.writeByte(i);
            b.writeByte(i);
            a.writeLong(longs[i]);
            b.writeLong(longs[i]);
            a.writeInt((int) longs[i]);
            b.writeInt((int) longs[i]);
            a.writeShort(i);
            b.writeShort(i);
            a.writeUTF("r" + i);
            b.writeUTF("r" + i);
        }
        a.flush();
        assertEquals(whole.size(), chunked.length());
        assertEquals(true, chunked.length() > 8L * ChunkedBytes.CHUNK);
        assertArrayEquals(whole.toByteArray(), chunked.toByteArray());
        try (InputStream in = chunked.open()) {
            assertArrayEquals(whole.toByteArray(), in.readAllBytes());
        }

        DataInput in = chunked.input();
        for (int i = 0; i < longs.length; i++) {
            assertEquals((byte) i, in.readByte());
            assertEquals(longs[i], in.readLong());
            assertEquals((int) longs[i], in.readInt());
            assertEquals((short) i, in.readShort());
            assertEquals("r" + i, in.readUTF());
        }
        assertThrows(EOFException.class, in::readByte);
    }

    @Test
    void readFullyAndSkipCrossChunksAndStopAtTheEnd() throws IOException {
        byte[] bytes = new byte[3 * ChunkedBytes.CHUNK + 17];
        new Random(11).nextBytes(bytes);
        ChunkedBytes chunked = new ChunkedBytes();
        chunked.write(bytes, 0, bytes.length);

        DataInput in = chunked.input();
        assertEquals(ChunkedBytes.CHUNK - 5, in.skipBytes(ChunkedBytes.CHUNK - 5));
        byte[] span = new byte[ChunkedBytes.CHUNK + 10];
        in.readFully(span);
        byte[] expected = new byte[span.length];
        System.arraycopy(bytes, ChunkedBytes.CHUNK - 5, expected, 0, span.length);
        assertArrayEquals(expected, span);
        int left = bytes.length - (2 * ChunkedBytes.CHUNK + 5);
        assertThrows(EOFException.class, () -> in.readFully(new byte[left + 1]));
        assertEquals(left, in.skipBytes(left + 100));
        assertThrows(EOFException.class, in::readInt);
        assertEquals(0, new ChunkedBytes().length());
        assertThrows(EOFException.class, () -> new ChunkedBytes().input().readByte());
    }
}
