package io.shardview.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.entity;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;
import org.apache.pekko.util.ByteString;

/**
 * A request body as text, read strictly as UTF-8, as the metrics endpoints read theirs: a byte that is not UTF-8 is
 * a 400 naming its offset, never a replacement character stored in a table, and a body declared in another charset
 * is a 415. Pekko's string unmarshaller decodes with replacement, so SQL or a row with a stray Latin-1 byte was
 * accepted and stored changed.
 */
public final class Utf8Body {
    private Utf8Body() {}

    /** {@code inner} with the request's body as text, or the 415 or 400 that refuses it. */
    public static Route text(HttpRequest request, Function<String, Route> inner) {
        var charset = request.entity().getContentType().getCharsetOption();
        if (charset.isPresent()) {
            String name = charset.get().value().toLowerCase(Locale.ROOT);
            if (!name.equals("utf-8") && !name.equals("us-ascii")) {
                return complete(new ApiError(
                                ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                                "charset " + name + " is not read here; bodies are UTF-8",
                                Map.of("supported", "charset=utf-8"))
                        .toResponse());
            }
        }
        return entity(Unmarshaller.entityToByteString(), bytes -> {
            int bad = firstInvalidByte(bytes);
            if (bad >= 0) {
                return complete(new ApiError(
                                ErrorCode.BAD_REQUEST,
                                "the body is not valid UTF-8 (at byte " + bad + " of the body)",
                                Map.of("byte_offset", bad))
                        .toResponse());
            }
            return inner.apply(bytes.utf8String());
        });
    }

    /**
     * The charset a Content-Type header declares when it is one bodies are not read in (not UTF-8 or US-ASCII), as Pekko
     * reads the header (a media type of a fixed charset, application/json, keeps UTF-8 whatever it says); else null.
     */
    public static String charsetRefused(String contentType) {
        if (contentType == null || contentType.indexOf(';') < 0) return null; // no parameters, no charset
        var parsed = org.apache.pekko.http.javadsl.model.HttpHeader.parse("Content-Type", contentType);
        if (!(parsed instanceof org.apache.pekko.http.javadsl.model.headers.ContentType type)) return null;
        var charset = type.contentType().getCharsetOption();
        if (charset.isEmpty()) return null;
        String name = charset.get().value().toLowerCase(Locale.ROOT);
        return name.equals("utf-8") || name.equals("us-ascii") ? null : name;
    }

    /** The offset of the first byte of {@code bytes} that is not (part of) UTF-8, or -1 when all of it is. */
    public static int firstInvalidByte(byte[] bytes) {
        return firstInvalidByte(ByteBuffer.wrap(bytes));
    }

    /** The offset of the first byte of {@code bytes} that is not (part of) UTF-8, or -1 when all of it is. */
    static int firstInvalidByte(ByteString bytes) {
        return firstInvalidByte(bytes.asByteBuffer());
    }

    private static int firstInvalidByte(ByteBuffer in) {
        int start = in.position(); // a slice of a larger array starts past 0
        int i = start;
        for (; i + Long.BYTES <= in.limit(); i += Long.BYTES) {
            if ((in.getLong(i) & 0x8080808080808080L) != 0) break; // ASCII, the common case, eight bytes at a time
        }
        while (i < in.limit() && in.get(i) >= 0) i++;
        if (i == in.limit()) return -1;
        in.position(i);
        CharsetDecoder decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CharBuffer out = CharBuffer.allocate(4096);
        while (true) {
            CoderResult result = decoder.decode(in, out, true);
            if (result.isError()) return in.position() - start;
            if (result.isUnderflow()) return decoder.flush(out).isError() ? in.position() - start : -1;
            out.clear(); // overflow: the text itself is not kept, only checked
        }
    }
}
