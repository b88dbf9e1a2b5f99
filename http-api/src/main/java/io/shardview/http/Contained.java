package io.shardview.http;

import io.shardview.entity.fault.InternalErrors;
import java.util.Map;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.server.Directives;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.directives.RouteAdapter;
import org.apache.pekko.http.scaladsl.server.RequestContext;
import org.apache.pekko.http.scaladsl.server.RouteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.concurrent.Future;
import scala.runtime.AbstractFunction1;

/**
 * Routes that contain their bugs. Pekko HTTP's exception handling, like Scala's futures, treats an Error such as a
 * LinkageError or a StackOverflowError as fatal and lets it reach the actor system, which stops the whole node: one
 * request that loads a missing class would end every tenant's service. Here any Throwable a route's own code throws
 * (except a JVM-level failure, see {@link InternalErrors#isContainable}) is answered 500 {@code internal} with the
 * request id under which it is logged once, and counted ({@code where="http"}).
 *
 * <p>Two places run route code: synchronously while the route tree is evaluated ({@link #route}), and in callbacks
 * after the body was read or a reply arrived ({@link #body}, used by every such callback).
 */
public final class Contained {
    private static final Logger log = LoggerFactory.getLogger(Contained.class);

    private Contained() {}

    /** {@code inner}, with whatever it throws while being evaluated answered 500. */
    public static Route route(String template, Route inner) {
        var scala = inner.asScala();
        return RouteAdapter.asJava(new AbstractFunction1<RequestContext, Future<RouteResult>>() {
            @Override
            public Future<RouteResult> apply(RequestContext context) {
                try {
                    return scala.apply(context);
                } catch (Throwable error) {
                    return Directives.complete(internalError(template, error, false))
                            .asScala()
                            .apply(context);
                }
            }
        });
    }

    /** A callback producing a route, with whatever it throws answered 500. */
    public static <T> Function<T, Route> body(String what, Function<T, Route> callback) {
        return value -> {
            try {
                return callback.apply(value);
            } catch (Throwable error) {
                return Directives.complete(internalError(what, error, false));
            }
        };
    }

    /**
     * The 500 for {@code error}, logged and counted (a JVM-level failure is rethrown instead). afterReply: the error
     * came while answering a reply, so whatever the request asked for may have been applied.
     */
    public static HttpResponse internalError(String what, Throwable error, boolean afterReply) {
        return internalApiError(what, error, afterReply).toResponse();
    }

    /** As {@link #internalError}, as the error itself. */
    public static ApiError internalApiError(String what, Throwable error, boolean afterReply) {
        String requestId = InternalErrors.record(log, "http", what, error);
        String outcome = afterReply
                ? "the request's outcome is unknown (retry with the same batch_id or Idempotency-Key)"
                : "nothing of the request was applied";
        return new ApiError(
                ErrorCode.INTERNAL,
                "internal error; " + outcome + "; the node log has the details under request id " + requestId,
                Map.of("request_id", requestId));
    }
}
