package io.shardview.http.metrics;

import io.shardview.http.ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.HttpRequest;

/**
 * The body of a metrics ingest request as its parser reads it: checked for a content type and a
 * content encoding the endpoint reads (else 415 naming what it reads), and decoded within
 * {@code max-decoded-request-bytes} (else 413; a malformed encoding is a 400).
 *
 * <p>remote_write is a snappy-framed protobuf by definition: {@code application/x-protobuf} (or no
 * type), {@code Content-Encoding: snappy} as Prometheus sends it, or none. The text formats take what
 * real clients send: curl's default {@code application/x-www-form-urlencoded}, text, JSON and NDJSON
 * types, {@code application/octet-stream} (also what a request without a type is), in UTF-8, with
 * {@code gzip}, {@code deflate} or {@code identity} encoding.
 */
final class MetricsRequestBody {
    /** Which family of formats an endpoint reads. */
    enum Kind {
        REMOTE_WRITE,
        TEXT,
        /** OTLP/HTTP: protobuf or JSON, gzip or not. */
        OTLP
    }

    private static final List<String> TEXT_TYPES = List.of(
            "text/plain",
            "application/x-www-form-urlencoded",
            "application/json",
            "application/x-ndjson",
            "application/jsonlines",
            "application/octet-stream",
            "application/openmetrics-text");
    private static final List<String> REMOTE_WRITE_TYPES =
            List.of("application/x-protobuf", "application/octet-stream");
    private static final List<String> OTLP_TYPES = List.of("application/x-protobuf", "application/json");

    private MetricsRequestBody() {}

    /** The content type and encoding of {@code request}, checked, before its body is read. */
    static void checkType(HttpRequest request, Kind kind) {
        ContentType type = request.entity().getContentType();
        String media = (type.mediaType().mainType() + "/" + type.mediaType().subType()).toLowerCase(Locale.ROOT);
        List<String> types =
                switch (kind) {
                    case REMOTE_WRITE -> REMOTE_WRITE_TYPES;
                    case TEXT -> TEXT_TYPES;
                    case OTLP -> OTLP_TYPES;
                };
        if (!types.contains(media)) {
            throw unsupportedMediaType(
                    "content type " + media + " is not read here; use one of " + String.join(", ", types),
                    String.join(", ", types));
        }
        String charset = type.getCharsetOption()
                .map(c -> c.nioCharset().name().toLowerCase(Locale.ROOT))
                .orElse("utf-8");
        if (kind != Kind.REMOTE_WRITE && !charset.equals("utf-8") && !charset.equals("us-ascii")) {
            throw unsupportedMediaType("charset " + charset + " is not read here; bodies are UTF-8", "charset=utf-8");
        }
        if (kind == Kind.REMOTE_WRITE) {
            // Prometheus' remote_write 2.0 names its message in the type; only 1.0's WriteRequest is read.
            String proto = parameter(type.mediaType().toString(), "proto");
            if (proto != null && !proto.equals("prometheus.WriteRequest")) {
                throw unsupportedMediaType(
                        "remote_write message " + proto + " is not read here; send"
                                + " remote_write 1.0 (proto=prometheus.WriteRequest)",
                        "application/x-protobuf;proto=prometheus.WriteRequest");
            }
        }
        encoding(request, kind);
    }

    /** The body as the parser reads it: {@code raw} with its content encoding undone (remote_write's snappy is the parser's). */
    static byte[] decoded(HttpRequest request, Kind kind, byte[] raw, int maxDecodedBytes) {
        return switch (encoding(request, kind)) {
            case "gzip", "x-gzip" -> inflate(raw, true, maxDecodedBytes);
            case "deflate" -> inflate(raw, false, maxDecodedBytes);
            default -> raw;
        };
    }

    /** The one content encoding of the request ("identity" when none), if the endpoint reads it. */
    private static String encoding(HttpRequest request, Kind kind) {
        List<String> codings = request
                .getHeader("Content-Encoding")
                .map(h -> List.of(h.value().toLowerCase(Locale.ROOT).split(",")))
                .orElse(List.of())
                .stream()
                .map(String::trim)
                .filter(c -> !c.isEmpty() && !c.equals("identity"))
                .toList();
        List<String> accepted = kind == Kind.REMOTE_WRITE ? List.of("snappy") : List.of("gzip", "x-gzip", "deflate");
        if (codings.size() > 1 || (codings.size() == 1 && !accepted.contains(codings.get(0)))) {
            String named = kind == Kind.REMOTE_WRITE ? "snappy (or none)" : "gzip, deflate or identity";
            throw unsupportedMediaType(
                    "content encoding " + String.join(", ", codings) + " is not read here; use " + named, named);
        }
        return codings.isEmpty() ? "identity" : codings.get(0);
    }

    /** A body the endpoint does not read; {@code accepted} names what it reads. */
    private static IngestRequestRefused unsupportedMediaType(String message, String accepted) {
        return new IngestRequestRefused(ErrorCode.UNSUPPORTED_MEDIA_TYPE, message, Map.of("accepted", accepted));
    }

    /** Parameter {@code name} of a media type as Pekko renders it ({@code type/sub; a=b; c=d}), or null. */
    private static String parameter(String mediaType, String name) {
        String[] parts = mediaType.split(";");
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].trim();
            if (p.regionMatches(true, 0, name + "=", 0, name.length() + 1))
                return p.substring(name.length() + 1).trim().replace("\"", "");
        }
        return null;
    }

    /** gzip (RFC 1952) or HTTP's deflate (zlib, RFC 1950; raw deflate too, as some clients send it). */
    private static byte[] inflate(byte[] raw, boolean gzip, int maxDecodedBytes) {
        try {
            return readAtMost(
                    gzip
                            ? new GZIPInputStream(new ByteArrayInputStream(raw))
                            : new InflaterInputStream(new ByteArrayInputStream(raw)),
                    maxDecodedBytes);
        } catch (IOException e) {
            if (!gzip) {
                try {
                    return readAtMost(
                            new InflaterInputStream(new ByteArrayInputStream(raw), new Inflater(true)),
                            maxDecodedBytes);
                } catch (IOException notRawEither) {
                    // fall through: neither zlib nor raw deflate
                }
            }
            throw new IngestRequestRefused(
                    ErrorCode.BAD_DATA, "the body is not valid " + (gzip ? "gzip" : "deflate") + " data", Map.of());
        }
    }

    private static byte[] readAtMost(InputStream in, int maxBytes) throws IOException {
        try (in) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] chunk = new byte[64 * 1024];
            for (int n = in.read(chunk); n >= 0; n = in.read(chunk)) {
                if ((long) out.size() + n > maxBytes) {
                    throw IngestRequestRefused.overLimit(
                            ErrorCode.PAYLOAD_TOO_LARGE,
                            "max-decoded-request-bytes",
                            maxBytes,
                            "the body inflates to more than max-decoded-request-bytes = " + maxBytes + " bytes");
                }
                out.write(chunk, 0, n);
            }
            return out.toByteArray();
        }
    }
}
