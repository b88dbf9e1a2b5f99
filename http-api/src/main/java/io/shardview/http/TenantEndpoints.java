package io.shardview.http;

import static org.apache.pekko.http.javadsl.server.Directives.complete;
import static org.apache.pekko.http.javadsl.server.Directives.onComplete;
import static org.apache.pekko.http.javadsl.server.Directives.withSizeLimit;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.StatusCodes;
import org.apache.pekko.http.javadsl.model.headers.RetryAfter;
import org.apache.pekko.http.javadsl.server.Route;

/** What every endpoint under /v1/tenants/{t} shares: the tenant name rule, body limit, metrics, and overload replies. */
public final class TenantEndpoints {
  private static final Pattern TENANT = Pattern.compile("[a-z0-9][a-z0-9_-]{0,62}");

  /** The node cannot take more of this right now: answered 429 with Retry-After. */
  public static final class Overloaded extends RuntimeException {
    public Overloaded(String message) {
      super(message, null, false, false);
    }
  }

  private TenantEndpoints() {}

  /** An endpoint counted under {@code template}: an invalid tenant name is a 400, bodies are limited to {@code maxBytes}. */
  public static Route endpoint(RouteMetrics metrics, String template, String tenant, long maxBytes, Supplier<Route> inner) {
    if (!TENANT.matcher(tenant).matches()) {
      return metrics.endpoint(template, complete(new ApiError(StatusCodes.BAD_REQUEST, "invalid_tenant",
          "tenant names are 1 to 63 of a-z, 0-9, '_' and '-', starting with a letter or digit",
          Map.of("tenant", tenant)).toResponse()));
    }
    return metrics.endpoint(template, withSizeLimit(maxBytes, inner));
  }

  /**
   * Completes with the reply's response; an entity that does not answer within {@code timeout} is a
   * 503 and an overloaded node a 429, both with Retry-After, so clients back off and retry.
   */
  public static <R> Route reply(CompletionStage<R> pending, Function<R, HttpResponse> toResponse, String who, Duration timeout) {
    return onComplete(pending, result -> {
      if (result.isSuccess()) return complete(toResponse.apply(result.get()));
      Throwable failure = result.failed().get();
      if (failure instanceof CompletionException && failure.getCause() != null) failure = failure.getCause();
      if (failure instanceof Overloaded overloaded) {
        return complete(retryLater(new ApiError(StatusCodes.TOO_MANY_REQUESTS, "overloaded", overloaded.getMessage() + "; retry", Map.of())));
      }
      if (failure instanceof TimeoutException || failure.getCause() instanceof TimeoutException) {
        return complete(retryLater(new ApiError(StatusCodes.SERVICE_UNAVAILABLE, "unavailable",
            who + " did not answer within " + timeout.toMillis() + " ms; retry", Map.of())));
      }
      throw new IllegalStateException(who + " failed", failure);
    });
  }

  private static HttpResponse retryLater(ApiError error) {
    return error.toResponse().addHeader(RetryAfter.create(1L));
  }
}
