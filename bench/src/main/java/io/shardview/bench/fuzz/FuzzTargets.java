package io.shardview.bench.fuzz;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.xerial.snappy.Snappy;

/**
 * The parsers the HTTP fuzzer drives, each with valid seeds (timestamps of now, so that mutants that
 * still parse are stored), a dictionary of the tokens its grammar turns on, and the request around a
 * mutant: headers drawn from what clients send and a few they should not (gzip bodies, unknown
 * encodings, wrong types). Writes rotate over fresh tenants so that no tenant grows without bound.
 */
final class FuzzTargets {
    private FuzzTargets() {}

    /** The tenant with table {@code orders} and views {@code totals} and {@code big} that ingest and reads use. */
    static final String INGEST_TENANT = "fz-ingest";

    static final String INGEST_SCHEMA =
            """
      CREATE TABLE orders (id BIGINT NOT NULL, customer VARCHAR NOT NULL, amount INT, price DECIMAL(10,2), day DATE,
        at TIMESTAMP, ok BOOLEAN, ratio DOUBLE PRECISION, PRIMARY KEY (id));
      CREATE VIEW totals AS SELECT customer, COUNT(*) AS n, SUM(amount) AS spent FROM orders GROUP BY customer;
      CREATE VIEW big AS SELECT id, customer, amount FROM orders WHERE amount >= 100 ORDER BY amount DESC LIMIT 10""";
    /** The metrics tenant that export reads (filled by {@link HttpFuzz} before the run). */
    static final String EXPORT_TENANT = "fz-export";

    static List<FuzzTarget> all(long nowMillis) {
        return List.of(
                remoteWrite(nowMillis),
                vmImport(nowMillis),
                prometheusText(nowMillis),
                influx(nowMillis),
                tenantIngestJson(),
                tenantIngestNdjson(),
                tenantSql(),
                viewRead(),
                export(nowMillis));
    }

    private static String tenant(String prefix, long index) {
        return prefix + "-" + index / 50_000; // a fresh tenant every 50,000 inputs
    }

    private static HttpRequest.Builder post(String url, byte[] body) {
        return HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
    }

    // ---- metrics ingest -------------------------------------------------------------------------

    private static FuzzTarget remoteWrite(long now) {
        List<byte[]> seeds = List.of(
                writeRequest(
                        series(
                                label("__name__", "up"),
                                label("job", "node"),
                                label("instance", "a:9100"),
                                sample(1, now),
                                sample(0.5, now + 15_000)),
                        series(label("__name__", "rw"), sample(2.5, now))),
                writeRequest(series(
                        label("__name__", "stale"), sample(Double.longBitsToDouble(0x7ff0000000000002L), now - 1000))),
                writeRequest(
                        series(label("__name__", "m"), label("le", "+Inf"), sample(1, now)),
                        ld(3, "metadata".getBytes(StandardCharsets.UTF_8))));
        List<byte[]> dictionary = List.of(
                new byte[] {0x0a},
                new byte[] {0x12},
                new byte[] {0x09},
                new byte[] {0x10},
                new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f},
                new byte[] {0x0b},
                new byte[] {0x0c},
                "__name__".getBytes(StandardCharsets.UTF_8),
                new byte[] {(byte) 0xc3, 0x28},
                new byte[] {(byte) 0x80},
                new byte[] {0x01, 0x00, 0x00, 0x00, 0x00, 0x00, (byte) 0xf0, 0x7f});
        return new FuzzTarget("remote_write", seeds, dictionary, (base, input, index, random) -> {
            // Mostly a valid snappy frame around the mutated protobuf; now and then the mutant as the body itself.
            byte[] body = random.nextInt(8) == 0 ? input : Snappy.compress(input);
            HttpRequest.Builder request =
                    post(base + "/v1/tenants/" + tenant("fz-rw", index) + "/prom/api/v1/write", body);
            int headers = random.nextInt(20);
            if (headers < 14)
                request.header("Content-Type", "application/x-protobuf").header("Content-Encoding", "snappy");
            else if (headers < 17) request.header("Content-Type", "application/x-protobuf");
            else if (headers == 17)
                request.header("Content-Type", "application/x-protobuf").header("Content-Encoding", "gzip");
            else if (headers == 18)
                request.header("Content-Type", "application/x-protobuf;proto=io.prometheus.write.v2.Request");
            else request.header("Content-Type", "text/plain");
            return request;
        });
    }

    /** A text body with a content type and encoding drawn from what clients send, and some they should not. */
    private static HttpRequest.Builder text(String url, byte[] input, Random random) throws Exception {
        int kind = random.nextInt(24);
        if (kind < 3)
            return post(url, gzip(input)).header("Content-Type", "text/plain").header("Content-Encoding", "gzip");
        HttpRequest.Builder request = post(url, input);
        return switch (kind) {
            case 3 -> request.header("Content-Type", "application/x-www-form-urlencoded");
            case 4 -> request.header("Content-Type", "application/json");
            case 5 -> request.header("Content-Type", "text/plain").header("Content-Encoding", "br");
            case 6 -> request.header("Content-Type", "text/plain")
                    .header("Content-Encoding", "gzip"); // not gzip: a 400
            case 7 -> request.header("Content-Type", "application/x-protobuf");
            case 8 -> request.header("Content-Type", "text/plain; charset=iso-8859-1");
            case 9 -> request;
            default -> request.header("Content-Type", "text/plain; charset=utf-8");
        };
    }

    private static FuzzTarget vmImport(long now) {
        List<byte[]> seeds = utf8(
                "{\"metric\":{\"__name__\":\"up\",\"job\":\"x\"},\"values\":[1,0,\"NaN\",\"+Inf\",\"-Inf\"],\"timestamps\":["
                        + now + "," + (now + 1) + "," + (now + 2) + "," + (now + 3) + "," + (now + 4)
                        + "]}\n{\"metric\":{\"__name__\":\"cpu\",\"host\":\"a\"},\"values\":[1.5],\"timestamps\":["
                        + now + "]}",
                "{\"metric\":{\"__name__\":\"m\",\"a\":\"\\u00e9\\n\"},\"values\":[12.5],\"timestamps\":[" + now
                        + "],\"extra\":{\"x\":[1,[2]]}}\r\n\r\n");
        return new FuzzTarget(
                "vm_import",
                seeds,
                Mutator.tokens(
                        "{",
                        "}",
                        "[",
                        "]",
                        "\"",
                        ":",
                        ",",
                        "\\u0000",
                        "\\ud800",
                        "\\",
                        "\n",
                        "\"metric\"",
                        "\"values\"",
                        "\"timestamps\"",
                        "\"__name__\"",
                        "null",
                        "true",
                        "\u00ff",
                        "\u00e9"),
                (base, input, index, random) ->
                        text(base + "/v1/tenants/" + tenant("fz-vm", index) + "/prom/api/v1/import", input, random));
    }

    private static FuzzTarget prometheusText(long now) {
        List<byte[]> seeds = utf8(
                "# HELP http_requests_total Requests.\n# TYPE http_requests_total counter\n"
                        + "http_requests_total{method=\"post\",code=\"200\"} 1027 " + now
                        + "\nhttp_requests_total{method=\"post\",code=\"400\"}    3 " + now
                        + "\nmsdos_file_access_time_seconds{path=\"C:\\\\DIR\\\\FILE.TXT\",error=\"Cannot find file:\\n\\\"FILE.TXT\\\"\"} 1.458255915e9\n"
                        + "metric_without_timestamp_and_labels 12.47\nsomething_weird{problem=\"division by zero\"} +Inf\n",
                "a NaN\nb -Inf " + now + "\nc{x=\"y\",} 1e-3\n");
        return new FuzzTarget(
                "prometheus_text",
                seeds,
                Mutator.tokens(
                        "{",
                        "}",
                        "=",
                        ",",
                        "\"",
                        "\\",
                        "\\n",
                        "\\\"",
                        "#",
                        " ",
                        "\t",
                        "__name__",
                        "\r\n",
                        "\u00ff",
                        ":"),
                (base, input, index, random) -> text(
                        base + "/v1/tenants/" + tenant("fz-prom", index) + "/prom/api/v1/import/prometheus",
                        input,
                        random));
    }

    private static FuzzTarget influx(long now) {
        long ns = now * 1_000_000;
        List<byte[]> seeds = utf8(
                "cpu,host=a,region=eu usage_user=12.5,usage_idle=80i,up=t,name=\"web\" " + ns
                        + "\ncpu,host=a,region=eu usage_user=13,usage_idle=81i " + (ns + 10_000_000_000L) + "\n",
                "we\\ ird\\,m,t\\=ag=v\\ al f\\,ield=1,u=12u " + ns + "\n# comment\nmem used=1.5\n");
        List<String> precisions = List.of("ns", "us", "ms", "s", "n", "u", "h", "", "%C3%A9");
        return new FuzzTarget(
                "influx",
                seeds,
                Mutator.tokens(",", "=", " ", "\\", "\"", "i", "u", "t", "f", "#", "\n", "\u00ff", "\\ ", "\\,", "\\="),
                (base, input, index, random) -> {
                    // Mutants keep nanosecond timestamps of now: ns is the precision that stores them; the others reach
                    // the parser too.
                    String precision =
                            random.nextInt(4) == 0 ? precisions.get(random.nextInt(precisions.size())) : "ns";
                    String path = random.nextBoolean() ? "/influx/write" : "/influx/api/v2/write";
                    return text(
                            base + "/v1/tenants/" + tenant("fz-influx", index) + path + "?precision=" + precision,
                            input,
                            random);
                });
    }

    // ---- tenant circuits ------------------------------------------------------------------------

    private static final List<byte[]> JSON_TOKENS = Mutator.tokens(
            "{",
            "}",
            "[",
            "]",
            "\"",
            ":",
            ",",
            "\\",
            "\\u0000",
            "\\ud800",
            "\"op\"",
            "\"insert\"",
            "\"update\"",
            "\"upsert\"",
            "\"delete\"",
            "\"table\"",
            "\"orders\"",
            "\"row\"",
            "\"key\"",
            "\"batch_id\"",
            "null",
            "true",
            "false",
            "1e999999999",
            "-0.0",
            "\"2024-02-30\"",
            "\"2024-01-01T25:00:00\"",
            "\u00ff",
            "\n");

    private static FuzzTarget tenantIngestJson() {
        List<byte[]> seeds = utf8(
                "{\"batch_id\": \"b1\", \"ops\": ["
                        + "{\"op\": \"insert\", \"table\": \"orders\", \"row\": {\"id\": 1, \"customer\": \"ann\", \"amount\": 120, \"price\": 1.50,"
                        + " \"day\": \"2024-01-31\", \"at\": \"2024-01-31T12:00:00\", \"ok\": true, \"ratio\": 0.25}},"
                        + "{\"op\": \"upsert\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"bob\", \"amount\": 40}},"
                        + "{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 1}}]}",
                "{\"ops\": [{\"op\": \"update\", \"table\": \"orders\", \"row\": {\"id\": 2, \"customer\": \"b\\u00e9b\", \"amount\": 400}}]}");
        return new FuzzTarget("tenant_ingest_json", seeds, JSON_TOKENS, (base, input, index, random) -> post(
                        base + "/v1/tenants/" + INGEST_TENANT + "/ingest", input)
                .header("Content-Type", "application/json"));
    }

    private static FuzzTarget tenantIngestNdjson() {
        List<byte[]> seeds = utf8(
                "{\"op\": \"upsert\", \"table\": \"orders\", \"row\": {\"id\": 3, \"customer\": \"cy\", \"amount\": 250}}\n"
                        + "{\"op\": \"delete\", \"table\": \"orders\", \"key\": {\"id\": 3}}\n",
                "{\"op\":\"insert\",\"table\":\"orders\",\"row\":{\"id\":4,\"customer\":\"d\",\"price\":\"12.345\",\"day\":\"2024-02-29\"}}\r\n\r\n");
        return new FuzzTarget("tenant_ingest_ndjson", seeds, JSON_TOKENS, (base, input, index, random) -> {
            HttpRequest.Builder request = post(base + "/v1/tenants/" + INGEST_TENANT + "/ingest", input)
                    .header("Content-Type", "application/x-ndjson");
            if (random.nextInt(4) == 0) request.header("Idempotency-Key", "k" + random.nextInt(1000));
            return request;
        });
    }

    private static FuzzTarget tenantSql() {
        List<byte[]> seeds = utf8(
                "CREATE TABLE t (id BIGINT NOT NULL, s VARCHAR(10), n NUMERIC(5,2), d DATE, PRIMARY KEY (id))",
                "CREATE TABLE u (a INT, b TEXT); CREATE VIEW v AS SELECT a, COUNT(*) AS c, SUM(a) FROM u WHERE b IS NOT NULL GROUP BY a HAVING COUNT(*) > 1",
                "CREATE TABLE p (k INT NOT NULL, PRIMARY KEY (k)); CREATE TABLE q (k INT, w DOUBLE PRECISION);"
                        + " CREATE VIEW j AS SELECT p.k, q.w FROM p LEFT JOIN q ON p.k = q.k AND q.w > 0.5 WHERE p.k IN (SELECT k FROM q)",
                "CREATE TABLE r (x INT); CREATE VIEW top AS SELECT DISTINCT x FROM r ORDER BY x DESC LIMIT 3; DROP VIEW top; DROP TABLE r");
        return new FuzzTarget(
                "tenant_sql",
                seeds,
                Mutator.tokens(
                        "(",
                        ")",
                        ",",
                        ";",
                        "'",
                        "\"",
                        "SELECT",
                        "FROM",
                        "WHERE",
                        "GROUP BY",
                        "CREATE VIEW",
                        "CREATE TABLE",
                        "DROP",
                        "IN",
                        "EXISTS",
                        "NOT",
                        "NULL",
                        "CAST(",
                        " AS ",
                        "::",
                        "||",
                        "/",
                        "*",
                        "UNION ALL",
                        "CHAR(",
                        "VARCHAR(",
                        "NUMERIC(1000,999)",
                        "--",
                        "/*",
                        "\u00ff"),
                (base, input, index, random) -> post(
                                base + "/v1/tenants/" + tenant("fz-sql", index / 5) + "/sql", input)
                        .header("Content-Type", random.nextInt(8) == 0 ? "text/plain" : "application/sql"));
    }

    // ---- query parameters -----------------------------------------------------------------------

    /** A mutated query string, percent-encoded except its structure ({@code & =}), so every byte reaches the parameter parser. */
    private static String query(byte[] input) {
        StringBuilder q = new StringBuilder();
        for (byte b : input) {
            int c = b & 0xff;
            boolean plain = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "-._~&=".indexOf(c) >= 0;
            if (plain) q.append((char) c);
            else q.append('%').append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
        }
        return q.toString();
    }

    private static FuzzTarget viewRead() {
        List<byte[]> seeds = utf8(
                "limit=10",
                "limit=2&after=eyJrIjpbMV19",
                "min_version=1&wait_ms=50",
                "limit=100000&min_version=0&wait_ms=0&after=");
        return new FuzzTarget(
                "view_read_params",
                seeds,
                Mutator.tokens("&", "=", "limit", "after", "min_version", "wait_ms", "-", "%", "+"),
                (base, input, index, random) -> HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + INGEST_TENANT
                                + (random.nextInt(3) == 0
                                        ? "/tables/orders?"
                                        : random.nextBoolean() ? "/views/totals?" : "/views/big?")
                                + query(input)))
                        .GET());
    }

    private static FuzzTarget export(long now) {
        long s = now / 1000;
        List<byte[]> seeds = utf8(
                "match[]={__name__=~\".+\"}",
                "match[]=up{job=\"x\"}&start=" + (s - 3600) + "&end=" + s,
                "match[]={__name__=\"cpu\",host!~\"b|c\"}&match[]=up&start=2023-11-14T22:13:20Z&end=" + s + ".5",
                "match[]=up{job='x',a=~\"(a|b)*\"}");
        return new FuzzTarget(
                "export_params",
                seeds,
                Mutator.tokens(
                        "match[]=",
                        "&",
                        "=",
                        "{",
                        "}",
                        "\"",
                        "'",
                        "=~",
                        "!~",
                        "!=",
                        ",",
                        "\\",
                        "start=",
                        "end=",
                        "(",
                        ")",
                        "*",
                        "+",
                        ".*",
                        "(a|b)*",
                        "[",
                        "]",
                        "NaN",
                        "Z",
                        "T",
                        "+99999-01-01T00:00:00Z"),
                (base, input, index, random) -> HttpRequest.newBuilder(URI.create(base + "/v1/tenants/" + EXPORT_TENANT
                                + "/prom/api/v1/export?" + query(input).replace("match%5b%5d", "match[]")))
                        .GET());
    }

    // ---- encodings ------------------------------------------------------------------------------

    private static List<byte[]> utf8(String... texts) {
        return Mutator.tokens(texts);
    }

    static byte[] gzip(byte[] body) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gzip = new GZIPOutputStream(out)) {
            gzip.write(body);
        }
        return out.toByteArray();
    }

    private static byte[] varint(long v) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while ((v & ~0x7fL) != 0) {
            out.write((int) (v & 0x7f) | 0x80);
            v >>>= 7;
        }
        out.write((int) v);
        return out.toByteArray();
    }

    private static byte[] ld(int field, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(varint(field << 3 | 2));
        out.writeBytes(varint(payload.length));
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static byte[] label(String name, String value) {
        ByteArrayOutputStream pair = new ByteArrayOutputStream();
        pair.writeBytes(ld(1, name.getBytes(StandardCharsets.UTF_8)));
        pair.writeBytes(ld(2, value.getBytes(StandardCharsets.UTF_8)));
        return ld(1, pair.toByteArray());
    }

    private static byte[] sample(double value, long timestampMs) {
        ByteArrayOutputStream point = new ByteArrayOutputStream();
        point.write(0x09);
        point.writeBytes(ByteBuffer.allocate(8)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putDouble(value)
                .array());
        point.write(0x10);
        point.writeBytes(varint(timestampMs));
        return ld(2, point.toByteArray());
    }

    private static byte[] series(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) out.writeBytes(p);
        return ld(1, out.toByteArray());
    }

    private static byte[] writeRequest(byte[]... series) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] s : series) out.writeBytes(s);
        return out.toByteArray();
    }
}
