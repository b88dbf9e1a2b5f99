package io.shardview.metrics.ingest.parse;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Walks a text body line by line ({@code \n} or {@code \r\n}), numbering lines from 1, and turns
 * a line parser's complaint into an {@link IngestException} naming that line. Bodies are UTF-8, and
 * bytes that are not are refused (naming their line), never replaced by U+FFFD: a label must be
 * stored as the client wrote it or not at all.
 */
final class TextLines {
    /** Parses one line (without its line break); throws IllegalArgumentException or IOException if it is bad. */
    interface LineParser {
        void parse(String line) throws IOException;
    }

    /** Parses one line, bytes [start, end) of the body (without its line break); throws IllegalArgumentException if it is bad. */
    interface ByteLineParser {
        void parse(int start, int end);
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    private TextLines() {}

    /** As {@link #forEach(String, LineParser)}, over a body kept as bytes. */
    static void forEach(byte[] body, ByteLineParser parser) {
        int start = 0;
        int number = 0;
        while (start <= body.length) {
            int end = lineEnd(body, start);
            number++;
            try {
                parser.parse(start, end > start && body[end - 1] == '\r' ? end - 1 : end);
            } catch (IllegalArgumentException e) {
                throw IngestException.atLine(number, message(e));
            } catch (IngestException e) {
                throw e.at("line", number);
            }
            start = end + 1;
        }
    }

    /**
     * The index of the first '\n' at or after {@code from}, or the body's length: eight bytes at a
     * time, a byte equal to '\n' found as a zero byte of the word XOR '\n' (the lowest flagged byte
     * of the word is always a true one).
     */
    static int lineEnd(byte[] body, int from) {
        int i = from;
        for (; i + Long.BYTES <= body.length; i += Long.BYTES) {
            long word = (long) LONGS.get(body, i) ^ NEWLINES;
            long zeroBytes = (word - 0x0101010101010101L) & ~word & 0x8080808080808080L;
            if (zeroBytes != 0) return i + (Long.numberOfTrailingZeros(zeroBytes) >>> 3);
        }
        while (i < body.length && body[i] != '\n') i++;
        return i;
    }

    /** The body as text, or an IngestException naming the line of its first byte that is not UTF-8. */
    static String decode(byte[] body) {
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(body);
        CharBuffer out = CharBuffer.allocate(body.length);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) throw notUtf8(body, in.position());
        return out.flip().toString();
    }

    /**
     * The text of bytes[from, from + length), or IllegalArgumentException (the caller's line) if they
     * are not UTF-8. ASCII, the common case, is decoded without a decoder.
     */
    static String utf8(byte[] bytes, int from, int length) {
        boolean ascii = true;
        for (int i = from; i < from + length && ascii; i++) ascii = bytes[i] >= 0;
        if (ascii) return new String(bytes, from, length, StandardCharsets.ISO_8859_1);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes, from, length))
                    .toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new IllegalArgumentException("the text is not valid UTF-8");
        }
    }

    /** The fault of a body whose byte at {@code offset} is not UTF-8. */
    static IngestException notUtf8(byte[] body, int offset) {
        int line = 1;
        for (int i = 0; i < offset; i++) {
            if (body[i] == '\n') line++;
        }
        return IngestException.atLine(line, "the text is not valid UTF-8 (at byte " + offset + " of the body)");
    }

    static void forEach(String body, LineParser parser) {
        int start = 0;
        int number = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) end = body.length();
            number++;
            String line = body.substring(start, end > start && body.charAt(end - 1) == '\r' ? end - 1 : end);
            try {
                parser.parse(line);
            } catch (IllegalArgumentException | IOException e) {
                throw IngestException.atLine(number, message(e));
            } catch (IngestException e) {
                throw e.at("line", number);
            }
            start = end + 1;
        }
    }

    // Jackson appends a source location on a new line; the line number says it already.
    private static String message(Exception e) {
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        int location = text.indexOf("\n at [Source");
        return location < 0 ? text : text.substring(0, location);
    }
}
