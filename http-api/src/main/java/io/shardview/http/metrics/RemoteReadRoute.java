package io.shardview.http.metrics;

import static io.shardview.http.OnComplete.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.extractMaterializer;
import static org.apache.pekko.http.javadsl.server.Directives.extractRequest;
import static org.apache.pekko.http.javadsl.server.Directives.parameterOptional;

import io.shardview.entity.metrics.ShardedQuery;
import io.shardview.entity.metrics.TenantShards;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.metrics.promql.evaluation.Series;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;
import org.apache.pekko.http.javadsl.server.Route;

/** {@code POST B/api/v1/read}: Prometheus remote read over a tenant's shards ({@link RemoteRead} its wire format). */
final class RemoteReadRoute {
    private final ShardedQuery reads;
    private final MetricsHttpSettings settings;
    private final Function<Throwable, HttpResponse> unread;
    private final Function<CompletionStage<HttpResponse>, Route> reply;

    /**
     * @param unread the answer to a body that could not be read whole
     * @param reply how a read's pending answer is sent (within the ask timeout, as the other reads)
     */
    RemoteReadRoute(
            ShardedQuery reads,
            MetricsHttpSettings settings,
            Function<Throwable, HttpResponse> unread,
            Function<CompletionStage<HttpResponse>, Route> reply) {
        this.reads = reads;
        this.settings = settings;
        this.unread = unread;
        this.reply = reply;
    }

    /**
     * Prometheus remote read ({@link RemoteRead}): each query's series, read as an export reads them, within
     * max-points-per-query for the whole request; {@code ?region=} as for queries.
     */
    Route route(String tenant) {
        return parameterOptional(
                "region",
                region -> extractRequest(request -> extractMaterializer(materializer -> onComplete(
                        request.entity()
                                .toStrict(settings.askTimeout().toMillis(), settings.maxRequestBytes(), materializer),
                        read -> {
                            if (read.isFailure())
                                return complete(unread.apply(read.failed().get()));
                            RemoteRead.Request decoded;
                            TenantShards shards;
                            try {
                                shards = reads.shardsOrEvery(tenant, region.orElse(null));
                                decoded = RemoteRead.decode(
                                        read.get().getData().toArray(), settings.maxDecodedRequestBytes());
                            } catch (IllegalArgumentException e) {
                                return complete(
                                        new ApiError(ErrorCode.BAD_DATA, e.getMessage(), Map.of()).toResponse());
                            }
                            long max = settings.maxPointsPerQuery();
                            CompletionStage<List<List<Series>>> results =
                                    CompletableFuture.completedFuture(new ArrayList<>());
                            for (RemoteRead.Query query : decoded.queries()) {
                                results = results.thenCompose(done -> reads.points(
                                                shards,
                                                List.of(query.matchers()),
                                                query.startMs(),
                                                query.endMs(),
                                                max - points(done))
                                        .thenApply(found -> {
                                            done.add(found);
                                            return done;
                                        }));
                            }
                            CompletionStage<HttpResponse> answer = results.handle((found, failure) -> {
                                if (failure == null && decoded.streamed()) {
                                    return HttpResponse.create()
                                            .withEntity(HttpEntities.create(
                                                    RemoteRead.STREAMED, RemoteRead.encodeStreamed(found)));
                                }
                                if (failure == null) {
                                    return HttpResponse.create()
                                            .withEntity(
                                                    HttpEntities.create(RemoteRead.PROTOBUF, RemoteRead.encode(found)))
                                            .addHeader(RawHeader.create("Content-Encoding", "snappy"));
                                }
                                return MetricsRoutes.pointLimit(
                                        failure,
                                        max,
                                        "the read would return more than " + max
                                                + " points (max-points-per-query): narrow its matchers or time range");
                            });
                            return reply.apply(answer);
                        }))));
    }

    private static long points(List<List<Series>> results) {
        long points = 0;
        for (List<Series> result : results) for (Series series : result) points += series.timestamps().length;
        return points;
    }
}
