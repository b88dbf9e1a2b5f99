package io.shardview.http.metrics;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.decodeRequest;
import static org.apache.pekko.http.javadsl.server.Directives.entity;
import static org.apache.pekko.http.javadsl.server.Directives.get;
import static org.apache.pekko.http.javadsl.server.Directives.parameterList;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;
import static org.apache.pekko.http.javadsl.server.Directives.path;
import static org.apache.pekko.http.javadsl.server.Directives.pathPrefix;
import static org.apache.pekko.http.javadsl.server.Directives.post;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.shardview.entity.metrics.MetricsEvent;
import io.shardview.entity.metrics.MetricsShard;
import io.shardview.entity.metrics.MetricsShard.MatcherSpec;
import io.shardview.http.ApiError;
import io.shardview.http.Json;
import io.shardview.http.RouteMetrics;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.ingest.IngestException;
import io.shardview.http.ingest.JsonLinesParser;
import io.shardview.http.ingest.LineProtocolParser;
import io.shardview.http.ingest.PrometheusTextParser;
import io.shardview.http.ingest.RemoteWriteDecoder;
import io.shardview.http.ingest.SampleBatch;
import io.shardview.metrics.index.Labels;
import io.shardview.metrics.storage.PointBatch;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.cluster.sharding.typed.javadsl.ClusterSharding;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.server.PathMatchers;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.unmarshalling.Unmarshaller;

/**
 * The metrics ingest endpoints of API.md (remote_write, VictoriaMetrics JSON lines, Prometheus text,
 * Influx line protocol) and {@code api/v1/export}. A request is parsed whole before anything is
 * applied, split by series into the tenant's shards, and acknowledged once every shard's part is
 * durable: 204, or 200 with the count of points older than the out-of-order window.
 */
public final class MetricsRoutes {
  private static final JsonFactory JSON = new JsonFactory().setRootValueSeparator("\n");

  private final ActorSystem<?> system;
  private final RouteMetrics metrics;
  private final MetricsHttpSettings settings;

  public MetricsRoutes(ActorSystem<?> system, RouteMetrics metrics, MetricsHttpSettings settings) {
    this.system = system;
    this.metrics = metrics;
    this.settings = settings;
  }

  /** The routes under /v1/tenants/{t}/prom and /v1/tenants/{t}/influx. */
  public Route routes() {
    return pathPrefix("v1", () -> pathPrefix("tenants", () -> pathPrefix(PathMatchers.segment(), tenant -> concat(
        pathPrefix("prom", () -> pathPrefix("api", () -> pathPrefix("v1", () -> concat(
            path("write", () -> endpoint("/v1/tenants/{t}/prom/api/v1/write", tenant, () -> post(() ->
                ingest(tenant, body -> { SampleBatch.Builder out = builder(); RemoteWriteDecoder.decode(body, (int) settings.maxRequestBytes() * 8, out); return out; })))),
            path("import", () -> endpoint("/v1/tenants/{t}/prom/api/v1/import", tenant, () -> post(() -> decodeRequest(() ->
                ingest(tenant, body -> { SampleBatch.Builder out = builder(); JsonLinesParser.parse(text(body), out); return out; }))))),
            path(PathMatchers.segment("import").slash("prometheus"), () -> endpoint("/v1/tenants/{t}/prom/api/v1/import/prometheus", tenant,
                () -> post(() -> decodeRequest(() -> ingest(tenant, body -> {
                  SampleBatch.Builder out = builder();
                  PrometheusTextParser.parse(text(body), System.currentTimeMillis(), out);
                  return out;
                }))))),
            path("export", () -> endpoint("/v1/tenants/{t}/prom/api/v1/export", tenant, () -> get(() -> export(tenant)))))))),
        pathPrefix("influx", () -> concat(
            path("write", () -> endpoint("/v1/tenants/{t}/influx/write", tenant, () -> post(() -> influx(tenant)))),
            path(PathMatchers.segment("api").slash("v2").slash("write"),
                () -> endpoint("/v1/tenants/{t}/influx/api/v2/write", tenant, () -> post(() -> influx(tenant))))))))));
  }

  private Route influx(String tenant) {
    return parameterOptional("precision", precision -> decodeRequest(() -> ingest(tenant, body -> {
      SampleBatch.Builder out = builder();
      LineProtocolParser.parse(text(body), LineProtocolParser.Precision.parse(precision.orElse("ns")),
          System.currentTimeMillis(), out);
      return out;
    })));
  }

  private Route endpoint(String template, String tenant, Supplier<Route> inner) {
    return TenantEndpoints.endpoint(metrics, template, tenant, settings.maxRequestBytes(), inner);
  }

  private SampleBatch.Builder builder() {
    return new SampleBatch.Builder(settings.maxSamplesPerRequest());
  }

  private static String text(byte[] body) {
    return new String(body, StandardCharsets.UTF_8);
  }

  // ---- ingest ---------------------------------------------------------------------------------

  private Route ingest(String tenant, Function<byte[], SampleBatch.Builder> parse) {
    return entity(Unmarshaller.entityToByteArray(), body -> {
      SampleBatch batch;
      try {
        batch = parse.apply(body).build();
      } catch (IngestException e) {
        boolean limit = e.details().containsKey("limit");
        return complete(new ApiError(limit ? StatusCodes.PAYLOAD_TOO_LARGE : StatusCodes.BAD_REQUEST,
            limit ? "too_many_samples" : "bad_data", e.getMessage(), e.details()).toResponse());
      }
      return reply(append(tenant, batch), outcome -> {
        if (outcome.outOfOrder() == 0 && outcome.tooFarAhead() == 0) return HttpResponse.create().withStatus(StatusCodes.NO_CONTENT);
        Map<String, Object> rejected = new java.util.LinkedHashMap<>();
        if (outcome.outOfOrder() > 0) rejected.put("out_of_order", outcome.outOfOrder());
        if (outcome.tooFarAhead() > 0) rejected.put("too_far_in_future", outcome.tooFarAhead());
        Map<String, Object> reply = new java.util.LinkedHashMap<>();
        reply.put("samples", outcome.accepted());
        reply.put("rejected", rejected);
        return Json.response(StatusCodes.OK, reply);
      });
    });
  }

  /**
   * Splits the batch by shard, appends every part, and sums the shards' answers. Points further in
   * the future than the tolerance are refused here, before anything is persisted: the storage has
   * no clock, so one such point would make every ordinary point look late.
   */
  private CompletionStage<Outcome> append(String tenant, SampleBatch batch) {
    int shards = settings.shardsPerTenant();
    long latest = System.currentTimeMillis() + settings.futureTolerance().toMillis();
    int future = 0;
    Labels[] labels = new Labels[batch.seriesCount()];
    PointBatch.Builder[] parts = new PointBatch.Builder[shards];
    for (int i = 0; i < batch.size(); i++) {
      if (batch.timestamp(i) > latest) {
        future++;
        continue;
      }
      int series = batch.seriesOf(i);
      if (labels[series] == null) labels[series] = Labels.of(batch.labels(series));
      int shard = labels[series].shard(shards);
      if (parts[shard] == null) parts[shard] = PointBatch.builder();
      parts[shard].add(labels[series], batch.timestamp(i), batch.value(i));
    }
    List<CompletableFuture<MetricsShard.Appended>> asks = new ArrayList<>();
    for (int shard = 0; shard < shards; shard++) {
      if (parts[shard] == null) continue;
      byte[] bytes = MetricsEvent.encode(parts[shard].build());
      asks.add(ClusterSharding.get(system).entityRefFor(MetricsShard.ENTITY_KEY, MetricsShard.entityId(tenant, shard))
          .<MetricsShard.Appended>ask(replyTo -> new MetricsShard.Append(bytes, replyTo), settings.askTimeout())
          .toCompletableFuture());
    }
    int tooFarAhead = future;
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
      int accepted = 0;
      int rejected = 0;
      for (CompletableFuture<MetricsShard.Appended> ask : asks) {
        accepted += ask.join().accepted();
        rejected += ask.join().rejectedOutOfOrder();
      }
      return new Outcome(accepted, rejected, tooFarAhead);
    });
  }

  /** What happened to a request's points across its shards and at the edge. */
  private record Outcome(int accepted, int outOfOrder, int tooFarAhead) {}

  // ---- export ---------------------------------------------------------------------------------

  private Route export(String tenant) {
    return parameterList("match[]", selectors -> parameterOptional("start", start -> parameterOptional("end", end -> {
      List<List<MatcherSpec>> matchers = new ArrayList<>();
      long startMs;
      long endMs;
      try {
        if (selectors.isEmpty()) throw new IllegalArgumentException("missing match[]: give at least one series selector");
        for (String selector : selectors) matchers.add(SeriesSelector.parse(selector));
        startMs = start.map(MetricsRoutes::timeMillis).orElse(Long.MIN_VALUE / 2);
        endMs = end.map(MetricsRoutes::timeMillis).orElse(Long.MAX_VALUE / 2);
      } catch (IllegalArgumentException e) {
        return complete(new ApiError(StatusCodes.BAD_REQUEST, "bad_data", e.getMessage(), Map.of()).toResponse());
      }
      return reply(select(tenant, matchers, startMs, endMs), series -> HttpResponse.create()
          .withEntity(HttpEntities.create(ContentTypes.APPLICATION_JSON, jsonLines(series))));
    })));
  }

  /** Every series matching any selector, from every shard, sorted by labels. */
  private CompletionStage<TreeMap<String, MetricsShard.SeriesPoints>> select(String tenant,
      List<List<MatcherSpec>> selectors, long startMs, long endMs) {
    List<CompletableFuture<MetricsShard.Selected>> asks = new ArrayList<>();
    for (List<MatcherSpec> matchers : selectors) {
      for (int shard = 0; shard < settings.shardsPerTenant(); shard++) {
        asks.add(ClusterSharding.get(system).entityRefFor(MetricsShard.ENTITY_KEY, MetricsShard.entityId(tenant, shard))
            .<MetricsShard.Selected>ask(replyTo -> new MetricsShard.Select(matchers, startMs, endMs, replyTo), settings.askTimeout())
            .toCompletableFuture());
      }
    }
    return CompletableFuture.allOf(asks.toArray(CompletableFuture[]::new)).thenApply(done -> {
      TreeMap<String, MetricsShard.SeriesPoints> series = new TreeMap<>();
      for (CompletableFuture<MetricsShard.Selected> ask : asks) {
        for (MetricsShard.SeriesPoints s : ask.join().series()) series.put(s.labels().toString(), s);
      }
      return series;
    });
  }

  /** The VictoriaMetrics export format; NaN and infinities as the strings our import reads back. */
  private static byte[] jsonLines(TreeMap<String, MetricsShard.SeriesPoints> series) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator json = JSON.createGenerator(out)) {
      for (MetricsShard.SeriesPoints s : series.values()) {
        json.writeStartObject();
        json.writeObjectFieldStart("metric");
        for (Map.Entry<String, String> label : s.labels().entrySet()) json.writeStringField(label.getKey(), label.getValue());
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

  /** Unix seconds (with a fraction) or RFC 3339, as Prometheus' HTTP API takes times. */
  static long timeMillis(String text) {
    try {
      return Math.round(Double.parseDouble(text) * 1000);
    } catch (NumberFormatException notSeconds) {
      try {
        return Instant.parse(text).toEpochMilli();
      } catch (java.time.format.DateTimeParseException e) {
        throw new IllegalArgumentException("cannot parse time " + text + ": use unix seconds or RFC 3339");
      }
    }
  }

  private <R> Route reply(CompletionStage<R> pending, Function<R, HttpResponse> toResponse) {
    return TenantEndpoints.reply(pending, toResponse, "a metrics shard", settings.askTimeout());
  }
}
