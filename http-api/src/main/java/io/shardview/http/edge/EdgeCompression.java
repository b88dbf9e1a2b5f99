package io.shardview.http.edge;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * Answers gzipped for clients that accept it ({@code Accept-Encoding: gzip}), as Prometheus's API compresses its
 * answers: Grafana and promtool ask for it, and a large query answer shrinks tenfold. An answer under {@link
 * #MIN_BYTES} is sent as it is (its gzip header would be most of it), as is one that has an encoding already.
 */
final class EdgeCompression {
    /** Answers shorter than this are not worth compressing. */
    static final int MIN_BYTES = 1024;

    private EdgeCompression() {}

    /** {@code response} as {@code request}'s client takes it best. */
    static EdgeResponse forClient(EdgeRequest request, EdgeResponse response) {
        if (response.body().length < MIN_BYTES || !acceptsGzip(request.header("Accept-Encoding"))) return response;
        for (int i = 0; i < response.headers().size(); i += 2) {
            if (response.headers().get(i).equalsIgnoreCase("Content-Encoding")) return response;
        }
        return new EdgeResponse(response.status(), response.contentType(), gzip(response.body()), response.headers())
                .withHeader("Content-Encoding", "gzip")
                .withHeader("Vary", "Accept-Encoding");
    }

    /** Whether an Accept-Encoding header takes gzip: listed (or {@code *}) without {@code q=0}. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) return false;
        for (String part : acceptEncoding.split(",")) {
            String[] fields = part.split(";");
            String coding = fields[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*")) continue;
            boolean refused = false;
            for (int i = 1; i < fields.length; i++) {
                String parameter = fields[i].trim().toLowerCase(Locale.ROOT).replace(" ", "");
                if (parameter.startsWith("q=")) refused = parameter.matches("q=0(\\.0{0,3})?");
            }
            if (!refused) return true;
        }
        return false;
    }

    private static byte[] gzip(byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(body.length / 4 + 64);
        try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
            gzip.write(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // not for a byte array
        }
        return out.toByteArray();
    }
}
