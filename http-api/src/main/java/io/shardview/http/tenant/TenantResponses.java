package io.shardview.http.tenant;

import io.shardview.entity.tenant.TenantProtocol;
import io.shardview.http.ApiError;
import io.shardview.http.ErrorCode;
import io.shardview.http.Json;
import io.shardview.http.TenantEndpoints;
import io.shardview.http.edge.EdgeResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** The JSON bodies of the tenant API, built from entity replies (a refusal's status: {@link ErrorCode#of}). */
final class TenantResponses {
    private TenantResponses() {}

    static HttpResponse refused(TenantProtocol.Refused refused) {
        ApiError error = new ApiError(ErrorCode.of(refused.kind()), refused.message(), refused.details());
        return refused.kind().retryLater() ? TenantEndpoints.retryLater(error) : error.toResponse();
    }

    /** As {@link #refused}, as the edge's answer. */
    static EdgeResponse refusedEdge(TenantProtocol.Refused refused) {
        ApiError error = new ApiError(ErrorCode.of(refused.kind()), refused.message(), refused.details());
        return refused.kind().retryLater() ? TenantEndpoints.retryLaterEdge(error) : error.toEdgeResponse();
    }

    static HttpResponse sqlApplied(TenantProtocol.SqlApplied applied) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", applied.version());
        body.put("objects", applied.objects());
        if (applied.duplicate()) body.put("duplicate", true);
        return Json.response(StatusCodes.OK, body);
    }

    static HttpResponse ingested(TenantProtocol.Ingested ingested) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("version", ingested.version());
        body.put("ops", ingested.ops());
        body.put("views", ingested.views());
        if (ingested.duplicate()) body.put("duplicate", true);
        return Json.response(StatusCodes.OK, body);
    }

    static HttpResponse rows(TenantProtocol.Rows rows, boolean stale) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", rows.name());
        body.put("version", rows.version());
        body.put("hash", rows.hash());
        body.put("count", rows.count());
        body.put("columns", columns(rows.columns()));
        body.put("rows", objects(rows.columns(), rows.rows()));
        body.put("next", rows.next());
        if (stale) body.put("stale", true);
        return withFreshness(Json.response(StatusCodes.OK, body), rows.freshness());
    }

    /**
     * Which region's replica answered a read and how stale it may be (docs/regions.md): X-Shardview-Region, the
     * tenant's X-Shardview-Home-Region, X-Shardview-Lag-Versions behind the home as far as the replica knows, and
     * X-Shardview-Lag-Seconds since it last knew it had every event of the home (0 at the home).
     */
    private static HttpResponse withFreshness(HttpResponse response, TenantProtocol.Freshness freshness) {
        if (freshness == null) return response;
        return response.addHeaders(List.of(
                RawHeader.create("X-Shardview-Region", freshness.region()),
                RawHeader.create("X-Shardview-Home-Region", freshness.home()),
                RawHeader.create("X-Shardview-Lag-Versions", Long.toString(freshness.lagVersions())),
                RawHeader.create(
                        "X-Shardview-Lag-Seconds",
                        java.math.BigDecimal.valueOf(freshness.lagMillis(), 3).toPlainString())));
    }

    static HttpResponse queryRows(TenantProtocol.QueryRows rows) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("columns", columns(rows.columns()));
        body.put("rows", objects(rows.columns(), rows.rows()));
        return Json.response(StatusCodes.OK, body);
    }

    static HttpResponse tenantInfo(TenantProtocol.TenantInfo info) {
        return Json.response(StatusCodes.OK, info);
    }

    /** A view's operator graph (docs/api.md, "Plan of a view"). */
    static HttpResponse viewPlan(TenantProtocol.ViewPlan plan) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("view", plan.view());
        body.put("version", plan.version());
        body.put("sql_revision", plan.revision());
        body.put("rows", plan.rows());
        long state = 0;
        List<Map<String, Object>> operators = new java.util.ArrayList<>();
        for (TenantProtocol.PlanOperator o : plan.operators()) {
            Map<String, Object> operator = new LinkedHashMap<>();
            operator.put("id", o.id());
            operator.put("operator", o.operator());
            if (o.relation() != null) operator.put("reads", o.relation());
            else operator.put("inputs", o.inputs());
            operator.put("state_rows", o.stateRows());
            if (o.views() > 1) operator.put("shared_by_views", o.views());
            operators.add(operator);
            state += o.stateRows();
        }
        body.put("state_rows", state);
        body.put("operators", operators);
        return Json.response(StatusCodes.OK, body);
    }

    private static List<Map<String, Object>> columns(List<TenantProtocol.ColumnInfo> columns) {
        return columns.stream()
                .map(c -> {
                    Map<String, Object> column = new LinkedHashMap<>();
                    column.put("name", c.name());
                    column.put("type", c.type());
                    return column;
                })
                .toList();
    }

    private static List<Map<String, Object>> objects(List<TenantProtocol.ColumnInfo> columns, List<List<Object>> rows) {
        return rows.stream()
                .map(row -> {
                    Map<String, Object> object = new LinkedHashMap<>();
                    for (int i = 0; i < columns.size(); i++)
                        object.put(columns.get(i).name(), row.get(i));
                    return object;
                })
                .toList();
    }
}
