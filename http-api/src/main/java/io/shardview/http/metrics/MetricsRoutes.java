package io.shardview.http.metrics;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.encodeResponse;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterList;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shardview.entity.metrics.MetadataEvent;
import io.shardview.entity.metrics.MetadataProtocol;
import io.shardview.entity.metrics.ShardedAppend;
import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
import io.shardview.entity.metrics.TooManyPoints;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.InflightBodies;
import io.shardview.http.Json;
import io.shardview.http.RouteMetrics;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.metrics.IngestMetrics.Format;
import io.shardview.metrics.ingest.MetricMetadata;
import io.shardview.metrics.ingest.SampleBatch;
import io.shardview.metrics.ingest.parse.IngestException;
import io.shardview.metrics.ingest.parse.JsonLinesParser;
import io.shardview.metrics.ingest.parse.LineProtocolParser;
import io.shardview.metrics.ingest.parse.OtlpMetricsParser;
import io.shardview.metrics.ingest.parse.PrometheusTextParser;
import io.shardview.metrics.ingest.parse.RemoteWriteDecoder;
import io.shardview.metrics.ingest.parse.SampleBatchBuilder;
import io.shardview.metrics.promql.evaluation.Series;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.scaladsl.model.EntityStreamSizeException;

/**
 * The metrics ingest endpoints of docs/api.md (remote_write, VictoriaMetrics JSON lines, Prometheus text,
 * Influx line protocol) and {@code api/v1/export}. A request is parsed whole before anything is
 * applied, split by series into the tenant's shards, and acknowledged once every shard's part is
 * durable: 204, or 200 with the count of points older than the out-of-order window.
 */
public final class MetricsRoutes {

    private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator("\n");

    private final ActorSystem<?> system;
    private final RouteMetrics metrics;
    private final MetricsHttpSettings settings;
    private final ShardedAppend appender;
    private final IngestMetrics ingestMetrics;
    private final ShardedQuery reads;
    private final PrometheusMetadata metadata;
    private final RuleRoutes rules;
    private final RemoteReadRoute remoteRead;
    /** Per tenant, the family descriptions its metadata entity confirmed holding (this node's knowledge). */
    private final Map<String, Map<String, MetadataEvent.Family>> describedHere = new ConcurrentHashMap<>();

    public MetricsRoutes(
            ActorSystem<?> system, RouteMetrics metrics, MetricsHttpSettings settings, IngestMetrics ingestMetrics) {
        this.system = system;
        this.metrics = metrics;
        this.settings = settings;
        this.appender = new ShardedAppend(
                system,
                settings.shardsPerTenant(),
                settings.futureTolerance(),
                settings.retryAttemptTimeout(),
                settings.askTimeout());
        this.ingestMetrics = ingestMetrics;
        this.reads = new ShardedQuery(
                system,
                new ShardedQuery.Settings(
                        settings.shardsPerTenant(),
                        settings.retryAttemptTimeout(),
                        settings.askTimeout(),
                        settings.maxPointsPerQuery()));
        this.metadata = new PrometheusMetadata(reads, settings, system);
        this.rules = new RuleRoutes(system, settings.askTimeout());
        this.remoteRead = new RemoteReadRoute(
                reads,
                settings,
                this::unread,
                pending -> reply(pending, response -> response, TenantEndpoints.Effect.READ));
    }

    /** The routes under /v1/tenants/{t}/prom and /v1/tenants/{t}/influx. */
    public Route routes() {
        return pathPrefix(
                PathMatchers.segment("v1").slash("tenants").slash(PathMatchers.segment()),
                tenant -> concat(
                        pathPrefix(PathMatchers.segment("prom").slash("api").slash("v1"), () -> prometheus(tenant)),
                        pathPrefix(
                                PathMatchers.segment("prom")
                                        .slash("backfill")
                                        .slash("api")
                                        .slash("v1"),
                                () -> ingestPaths(tenant, "/v1/tenants/{t}/prom/backfill/api/v1", true)),
                        path(
                                PathMatchers.segment("prom").slash("backfill").slash("health"),
                                () -> health("/v1/tenants/{t}/prom/backfill/health", tenant)),
                        path(
                                PathMatchers.segment("prom").slash("health"),
                                () -> health("/v1/tenants/{t}/prom/health", tenant)),
                        pathPrefix("influx", () -> influx(tenant)),
                        path("rules", () -> endpoint("/v1/tenants/{t}/rules", tenant, () -> rules.all(tenant))),
                        path(
                                PathMatchers.segment("rules").slash(PathMatchers.segment()),
                                namespace -> endpoint(
                                        "/v1/tenants/{t}/rules/{namespace}",
                                        tenant,
                                        () -> rules.namespace(tenant, namespace))),
                        path(
                                PathMatchers.segment("otlp").slash("v1").slash("metrics"),
                                () -> endpoint(
                                        "/v1/tenants/{t}/otlp/v1/metrics", tenant, () -> post(() -> otlp(tenant))))));
    }

    /** The Prometheus and VictoriaMetrics endpoints under /v1/tenants/{t}/prom/api/v1. */
    private Route prometheus(String tenant) {
        String base = "/v1/tenants/{t}/prom/api/v1";
        return concat(
                ingestPaths(tenant, base, false),
                path("read", () -> endpoint(base + "/read", tenant, () -> post(() -> remoteRead.route(tenant)))),
                // Answers gzipped for a client that accepts it, as Prometheus's are (the edge does the same for
                // queries).
                encodeResponse(() -> readPaths(tenant, base)));
    }

    /** The reading endpoints under {@code base} but remote read (whose answers are snappy already). */
    private Route readPaths(String tenant, String base) {
        return concat(
                path("export", () -> endpoint(base + "/export", tenant, () -> get(() -> export(tenant)))),
                path("labels", () -> endpoint(base + "/labels", tenant, () -> metadata.labels(tenant))),
                path(
                        PathMatchers.segment("label")
                                .slash(PathMatchers.segment())
                                .slash("values"),
                        name -> endpoint(
                                base + "/label/{name}/values", tenant, () -> metadata.labelValues(tenant, name))),
                path("series", () -> endpoint(base + "/series", tenant, () -> metadata.series(tenant))),
                path("metadata", () -> endpoint(base + "/metadata", tenant, () -> metadata.metricMetadata(tenant))),
                path("rules", () -> endpoint(base + "/rules", tenant, () -> rules.prometheusRules(tenant))),
                path("alerts", () -> endpoint(base + "/alerts", tenant, () -> rules.prometheusAlerts(tenant))),
                path("query_exemplars", () -> endpoint(base + "/query_exemplars", tenant, metadata::exemplars)),
                path(
                        PathMatchers.segment("status").slash("buildinfo"),
                        () -> endpoint(base + "/status/buildinfo", tenant, metadata::buildInfo)));
    }

    /**
     * The ingest endpoints under {@code base}: remote_write, VictoriaMetrics JSON lines and Prometheus text. Under
     * /v1/tenants/{t}/prom/backfill/api/v1 ({@code history}) every request is a backfill: a base URL for migration
     * tools that cannot add {@code ?backfill=1} to the URLs they build (vmctl appends the path to the base it is
     * given).
     */
    private Route ingestPaths(String tenant, String base, boolean history) {
        return concat(
                path(
                        "write",
                        () -> endpoint(
                                base + "/write",
                                tenant,
                                () -> post(() -> ingest(
                                        tenant,
                                        Format.REMOTE_WRITE,
                                        MetricsRequestBody.Kind.REMOTE_WRITE,
                                        this::remoteWrite,
                                        history)))),
                path(
                        "import",
                        () -> endpoint(
                                base + "/import",
                                tenant,
                                () -> post(() -> ingest(
                                        tenant,
                                        Format.VM_IMPORT,
                                        MetricsRequestBody.Kind.TEXT,
                                        this::jsonLines,
                                        history)))),
                path(
                        PathMatchers.segment("import").slash("prometheus"),
                        () -> endpoint(
                                base + "/import/prometheus",
                                tenant,
                                () -> post(() -> ingest(
                                        tenant,
                                        Format.PROMETHEUS_TEXT,
                                        MetricsRequestBody.Kind.TEXT,
                                        this::prometheusText,
                                        history)))));
    }

    /** 200 {@code OK} at a base URL, as VictoriaMetrics answers its health there (vmctl asks it first). */
    private Route health(String template, String tenant) {
        return endpoint(
                template,
                tenant,
                () -> get(() -> complete(HttpResponse.create().withEntity(ContentTypes.TEXT_PLAIN_UTF8, "OK"))));
    }

    /** The InfluxDB 1.x and 2.x write endpoints under /v1/tenants/{t}/influx. */
    private Route influx(String tenant) {
        return concat(
                path(
                        "write",
                        () -> endpoint("/v1/tenants/{t}/influx/write", tenant, () -> post(() -> lineProtocol(tenant)))),
                path(
                        PathMatchers.segment("api").slash("v2").slash("write"),
                        () -> endpoint(
                                "/v1/tenants/{t}/influx/api/v2/write",
                                tenant,
                                () -> post(() -> lineProtocol(tenant)))));
    }

    /**
     * OTLP/HTTP metrics ({@link OtlpMetricsParser}), protobuf or JSON as the request's type says. Answered as an
     * OTLP receiver answers: 200 with an {@code ExportMetricsServiceResponse} of the same encoding, whose
     * {@code partial_success} counts the data points not taken (delta and exponential histograms, and points refused by
     * rule: out of order, too old, too far ahead).
     */
    private Route otlp(String tenant) {
        return extractRequest(request -> {
            boolean json =
                    request.entity().getContentType().mediaType().toString().startsWith("application/json");
            int[] skipped = new int[1];
            return ingest(
                    tenant,
                    MetricsRequestBody.Kind.OTLP,
                    body -> {
                        SampleBatchBuilder out = builder();
                        skipped[0] = json
                                ? OtlpMetricsParser.parseJson(body, out)
                                : OtlpMetricsParser.parseProtobuf(body, out);
                        return out;
                    },
                    false,
                    (batch, outcome) -> {
                        count(Format.OTLP, batch, outcome);
                        if (outcome.refusal() != null) return seriesLimit(tenant, outcome);
                        long rejected = skipped[0] + outcome.outOfOrder() + outcome.tooOld() + outcome.tooFarAhead();
                        String why = rejected == 0
                                ? ""
                                : "not taken: " + skipped[0] + " delta or exponential histogram points, "
                                        + outcome.outOfOrder() + " out of order, " + outcome.tooOld() + " too old, "
                                        + outcome.tooFarAhead() + " too far in the future";
                        return json ? otlpJson(rejected, why) : otlpProtobuf(rejected, why);
                    });
        });
    }

    private static HttpResponse otlpJson(long rejected, String why) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        if (rejected > 0)
            body.put("partialSuccess", Map.of("rejectedDataPoints", Long.toString(rejected), "errorMessage", why));
        return Json.response(StatusCodes.OK, body);
    }

    private static HttpResponse otlpProtobuf(long rejected, String why) {
        byte[] body = new byte[0];
        if (rejected > 0) {
            try {
                java.io.ByteArrayOutputStream partial = new java.io.ByteArrayOutputStream();
                com.google.protobuf.CodedOutputStream p = com.google.protobuf.CodedOutputStream.newInstance(partial);
                p.writeInt64(1, rejected);
                p.writeString(2, why);
                p.flush();
                java.io.ByteArrayOutputStream response = new java.io.ByteArrayOutputStream();
                com.google.protobuf.CodedOutputStream r = com.google.protobuf.CodedOutputStream.newInstance(response);
                r.writeByteArray(1, partial.toByteArray());
                r.flush();
                body = response.toByteArray();
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return HttpResponse.create().withEntity(HttpEntities.create(RemoteRead.PROTOBUF, body));
    }

    private Route lineProtocol(String tenant) {
        return parameterOptional(
                "precision",
                precision -> ingest(tenant, Format.INFLUX, MetricsRequestBody.Kind.TEXT, body -> {
                    // A line carries a key, a field and a timestamp: sized for short lines, the columns rarely grow.
                    SampleBatchBuilder out = new SampleBatchBuilder(settings.ingestLimits(), body.length / 24);
                    LineProtocolParser.parse(
                            body,
                            LineProtocolParser.Precision.parse(precision.orElse("ns")),
                            System.currentTimeMillis(),
                            out);
                    return out;
                }));
    }

    private SampleBatchBuilder remoteWrite(byte[] body) {
        SampleBatchBuilder out = builder();
        RemoteWriteDecoder.decode(body, settings.maxDecodedRequestBytes(), out);
        return out;
    }

    private SampleBatchBuilder jsonLines(byte[] body) {
        SampleBatchBuilder out = builder();
        JsonLinesParser.parse(body, out);
        return out;
    }

    private SampleBatchBuilder prometheusText(byte[] body) {
        SampleBatchBuilder out = builder();
        PrometheusTextParser.parse(body, System.currentTimeMillis(), out);
        return out;
    }

    private Route endpoint(String template, String tenant, Supplier<Route> inner) {
        return TenantEndpoints.endpoint(
                metrics, InflightBodies.get(system), template, tenant, settings.maxRequestBytes(), inner);
    }

    private SampleBatchBuilder builder() {
        return new SampleBatchBuilder(settings.ingestLimits());
    }

    // ---- ingest ---------------------------------------------------------------------------------

    /**
     * {@code ?backfill=1}: the points are history, of any age within retention and in any order, rather than live
     * points (which must be within the out-of-order window of the shard's newest point).
     */
    private static boolean backfill(org.apache.pekko.http.javadsl.model.HttpRequest request) {
        String value = request.getUri().query().get("backfill").orElse("0");
        return switch (value) {
            case "1", "true" -> true;
            case "0", "false", "" -> false;
            default -> throw new IngestRequestRefused(
                    ErrorCode.BAD_DATA,
                    "backfill must be 1 or 0 (true or false), got \"" + value + "\"",
                    Map.of("parameter", "backfill"));
        };
    }

    /**
     * Checks the body's type and encoding, reads it whole (within max-request-bytes), decodes it and
     * parses it, then stores it. Every refusal of the body, the edge's or its parser's, is answered here.
     */
    private Route ingest(
            String tenant, Format format, MetricsRequestBody.Kind kind, Function<byte[], SampleBatchBuilder> parse) {
        return ingest(tenant, format, kind, parse, false);
    }

    /** @param history whether every request is a backfill (the history base URL), whatever its query says */
    private Route ingest(
            String tenant,
            Format format,
            MetricsRequestBody.Kind kind,
            Function<byte[], SampleBatchBuilder> parse,
            boolean history) {
        return ingest(tenant, kind, parse, history, (batch, outcome) -> stored(tenant, format, batch, outcome));
    }

    /**
     * @param answer the reply to a stored batch (204 or 200 with what was rejected, in the endpoint's own form)
     */
    private Route ingest(
            String tenant,
            MetricsRequestBody.Kind kind,
            Function<byte[], SampleBatchBuilder> parse,
            boolean history,
            java.util.function.BiFunction<SampleBatch, ShardedAppend.Outcome, HttpResponse> answer) {
        return extractRequest(request -> {
            boolean backfill;
            try {
                MetricsRequestBody.checkType(request, kind);
                backfill = backfill(request) || history;
            } catch (IngestRequestRefused e) {
                return afterReading(request, refused(e.error));
            }
            return extractMaterializer(materializer -> onComplete(
                    request.entity()
                            .toStrict(settings.askTimeout().toMillis(), settings.maxRequestBytes(), materializer),
                    read -> {
                        if (read.isFailure())
                            return complete(unread(read.failed().get()));
                        SampleBatch batch;
                        Map<String, MetricMetadata> described;
                        try {
                            byte[] body = MetricsRequestBody.decoded(
                                    request, kind, read.get().getData().toArray(), settings.maxDecodedRequestBytes());
                            SampleBatchBuilder parsed = parse.apply(body);
                            batch = parsed.build();
                            described = parsed.metadata();
                        } catch (IngestRequestRefused e) {
                            return complete(refused(e.error));
                        } catch (IngestException e) {
                            return complete(refused(e));
                        }
                        return reply(
                                appender.append(tenant, batch, backfill)
                                        .thenCombine(describe(tenant, described), (outcome, done) -> outcome),
                                outcome -> answer.apply(batch, outcome),
                                TenantEndpoints.Effect.REPEATABLE_WRITE);
                    }));
        });
    }

    /**
     * Keeps what the request said of its families (TYPE, HELP, UNIT, remote_write metadata) in the tenant's metadata
     * entity, unless this node knows the entity holds it already: a scraper repeats the same metadata with every
     * scrape, and only a change is sent and journaled.
     */
    private CompletionStage<?> describe(String tenant, Map<String, MetricMetadata> described) {
        if (described.isEmpty()) return CompletableFuture.completedFuture(null);
        Map<String, MetadataEvent.Family> known = describedHere.computeIfAbsent(tenant, t -> new ConcurrentHashMap<>());
        Map<String, MetadataEvent.Family> changed = new TreeMap<>();
        described.forEach((name, m) -> {
            MetadataEvent.Family family = new MetadataEvent.Family(m.type(), m.help(), m.unit());
            if (!family.equals(known.get(name))) changed.put(name, family);
        });
        if (changed.isEmpty()) return CompletableFuture.completedFuture(null);
        return MetadataProtocol.<MetadataProtocol.Described>ask(
                        system,
                        tenant,
                        replyTo -> new MetadataProtocol.Describe(changed, replyTo),
                        settings.askTimeout())
                .thenApply(done -> {
                    if (describedHere.size() > 10_000) describedHere.clear(); // a cache: forgetting costs one ask
                    if (known.size() < MetadataProtocol.MAX_FAMILIES) known.putAll(changed);
                    return done;
                });
    }

    /**
     * Replies once the body has been read (within max-request-bytes). A reply sent while the client is still
     * sending makes the server close the connection on unread bytes, and the reset that close sends can reach
     * the client before the reply does: the client then sees no reply at all.
     */
    private Route afterReading(HttpRequest request, HttpResponse reply) {
        return extractMaterializer(materializer -> onComplete(
                request.entity().toStrict(settings.askTimeout().toMillis(), settings.maxRequestBytes(), materializer),
                read -> complete(reply)));
    }

    /** An ingest request its parser refused whole: the parser's kind of fault says the code. */
    private HttpResponse refused(IngestException e) {
        return refused(new ApiError(ErrorCode.of(e.kind()), e.getMessage(), e.details()));
    }

    /** An ingest request refused whole, counted by its code. */
    private HttpResponse refused(ApiError error) {
        ingestMetrics.rejectedRequest(error.code());
        return error.toResponse();
    }

    /** A body that could not be read: too large for max-request-bytes, or cut off by the client. */
    private HttpResponse unread(Throwable failure) {
        Throwable cause = failure instanceof java.util.concurrent.CompletionException && failure.getCause() != null
                ? failure.getCause()
                : failure;
        if (cause instanceof EntityStreamSizeException) {
            return refused(new ApiError(
                    ErrorCode.PAYLOAD_TOO_LARGE,
                    "the body is larger than max-request-bytes = " + settings.maxRequestBytes() + " bytes",
                    Map.of("limit", "max-request-bytes", "max", settings.maxRequestBytes())));
        }
        return refused(ApiError.of(ErrorCode.BAD_DATA, "the body could not be read whole"));
    }

    private HttpResponse stored(String tenant, Format format, SampleBatch batch, ShardedAppend.Outcome outcome) {
        count(format, batch, outcome);
        if (outcome.refusal() != null) return seriesLimit(tenant, outcome);
        if (outcome.outOfOrder() == 0 && outcome.tooOld() == 0 && outcome.tooFarAhead() == 0) {
            return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
        }
        Map<String, Object> rejected = new java.util.LinkedHashMap<>();
        if (outcome.outOfOrder() > 0) rejected.put("out_of_order", outcome.outOfOrder());
        if (outcome.tooOld() > 0) rejected.put("too_old", outcome.tooOld());
        if (outcome.tooFarAhead() > 0) rejected.put("too_far_in_future", outcome.tooFarAhead());
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("samples", outcome.accepted());
        reply.put("rejected", rejected);
        return Json.response(StatusCodes.OK, reply);
    }

    private void count(Format format, SampleBatch batch, ShardedAppend.Outcome outcome) {
        ingestMetrics.stored(format, outcome.accepted());
        ingestMetrics.rejectedPoints("out_of_order", outcome.outOfOrder());
        ingestMetrics.rejectedPoints("too_old", outcome.tooOld());
        ingestMetrics.rejectedPoints("too_far_in_future", outcome.tooFarAhead());
        if (outcome.refusal() != null) {
            ingestMetrics.rejectedRequest("series_limit");
            ingestMetrics.rejectedPoints(
                    "series_limit",
                    batch.size()
                            - outcome.accepted()
                            - outcome.outOfOrder()
                            - outcome.tooOld()
                            - outcome.tooFarAhead());
        }
    }

    /** 429 naming the limit; Retry-After as for every 429, though only retention or a raised limit makes room. */
    private HttpResponse seriesLimit(String tenant, ShardedAppend.Outcome outcome) {
        ShardedAppend.SeriesRefusal r = outcome.refusal();
        String message = "the request would add " + r.newSeries() + " new series to shard " + r.shard() + " of tenant "
                + tenant
                + ", which holds " + r.activeSeries() + " of its share of " + r.shardLimit()
                + " under max-active-series-per-tenant = "
                + settings.maxActiveSeriesPerTenant() + " (split over " + settings.shardsPerTenant() + " shards); "
                + (outcome.partiallyApplied()
                        ? "the parts of the request in other shards were stored (" + outcome.accepted()
                                + " samples), this part was not"
                        : "nothing of the request was stored");
        Map<String, Object> details = new java.util.LinkedHashMap<>();
        details.put("limit", "max-active-series-per-tenant");
        details.put("max", settings.maxActiveSeriesPerTenant());
        details.put("shard", r.shard());
        details.put("shard_max", r.shardLimit());
        details.put("shard_active_series", r.activeSeries());
        details.put("new_series", r.newSeries());
        details.put("partially_applied", outcome.partiallyApplied());
        return new ApiError(ErrorCode.TOO_MANY_SERIES, message, details)
                .toResponse()
                .addHeader(org.apache.pekko.http.javadsl.model.headers.RetryAfter.create(60L));
    }

    // ---- export ---------------------------------------------------------------------------------

    private Route export(String tenant) {
        return parameterList(
                "match[]",
                selectors -> parameterOptional(
                        "start",
                        start -> parameterOptional(
                                "end",
                                end -> parameterOptional("region", region -> {
                                    ExportRequest request;
                                    TenantShards shards;
                                    try {
                                        shards = reads.shardsOrEvery(tenant, region.orElse(null));
                                        request = ExportRequest.of(selectors, start, end);
                                    } catch (IllegalArgumentException e) {
                                        return complete(new ApiError(ErrorCode.BAD_DATA, e.getMessage(), Map.of())
                                                .toResponse());
                                    }
                                    long max = settings.maxPointsPerQuery();
                                    CompletionStage<HttpResponse> answer = reads.points(
                                                    shards,
                                                    request.selectors(),
                                                    request.startMs(),
                                                    request.endMs(),
                                                    max)
                                            .handle((found, failure) -> {
                                                if (failure == null) {
                                                    return HttpResponse.create()
                                                            .withEntity(HttpEntities.create(
                                                                    ContentTypes.APPLICATION_JSON, jsonLines(found)));
                                                }
                                                return pointLimit(
                                                        failure,
                                                        max,
                                                        "the export would read more than " + max
                                                                + " points (max-points-per-query): narrow match[], "
                                                                + "start or end");
                                            });
                                    return reply(answer, response -> response, TenantEndpoints.Effect.READ);
                                }))));
    }

    /**
     * The answer to a read that failed for reading more than max-points-per-query points: 422 {@code limit_exceeded}
     * with {@code message}; any other failure is rethrown.
     */
    static HttpResponse pointLimit(Throwable failure, long max, String message) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (!(cause instanceof TooManyPoints)) throw new CompletionException(cause);
        return new ApiError(ErrorCode.LIMIT_EXCEEDED, message, Map.of("limit", "max-points-per-query", "max", max))
                .toResponse();
    }

    /** The VictoriaMetrics export format; NaN and infinities as the strings our import reads back. */
    private static byte[] jsonLines(List<Series> series) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator json = JSON.createGenerator(out)) {
            for (Series s : series) {
                json.writeStartObject();
                json.writeObjectFieldStart("metric");
                for (int i = 0; i < s.labels().size(); i++)
                    json.writeStringField(s.labels().name(i), s.labels().value(i));
                json.writeEndObject();
                json.writeArrayFieldStart("values");
                for (double v : s.values()) {
                    if (Double.isNaN(v)) json.writeString("NaN");
                    else if (Double.isInfinite(v)) json.writeString(v > 0 ? "+Inf" : "-Inf");
                    else json.writeNumber(v);
                }
                json.writeEndArray();
                json.writeArrayFieldStart("timestamps");
                for (long t : s.timestamps()) json.writeNumber(t);
                json.writeEndArray();
                json.writeEndObject();
            }
            if (!series.isEmpty()) json.writeRaw('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private <R> Route reply(
            CompletionStage<R> pending, Function<R, HttpResponse> toResponse, TenantEndpoints.Effect effect) {
        return TenantEndpoints.reply(pending, toResponse, "a metrics shard", settings.askTimeout(), effect);
    }
}
