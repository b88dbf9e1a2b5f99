package io.shardview.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.http.javadsl.server.directives.RouteAdapter;
import org.apache.pekko.http.scaladsl.server.Directives$;
import org.apache.pekko.http.scaladsl.server.RequestContext;
import org.apache.pekko.http.scaladsl.server.RouteResult;
import scala.Function1;
import scala.Tuple1;
import scala.concurrent.Future;
import scala.jdk.javaapi.FutureConverters;
import scala.util.Try;

/**
 * Pekko HTTP's {@code onComplete} for a Java {@link CompletionStage}, without the hand-off its Java DSL adds: that one
 * recovers the stage's failure on Scala's global pool, so each reply passed through a thread of that pool (one wake-up
 * and one park per request) before the route's dispatcher ran it. Here the failure is unwrapped where the stage
 * completes, and the inner route runs on the route's dispatcher as with Pekko's Scala DSL.
 */
public final class OnComplete {
    private OnComplete() {}

    /** Runs {@code inner} with the stage's outcome, its failure unwrapped from a {@link CompletionException}. */
    public static <T> Route onComplete(CompletionStage<T> stage, Function<Try<T>, Route> inner) {
        CompletableFuture<T> unwrapped = new CompletableFuture<>();
        stage.whenCompleteAsync(
                (value, failure) -> {
                    if (failure == null) unwrapped.complete(value);
                    else unwrapped.completeExceptionally(unwrap(failure));
                },
                Runnable::run);
        Future<T> future = FutureConverters.asScala(unwrapped);
        Function1<Tuple1<Try<T>>, Function1<RequestContext, Future<RouteResult>>> then =
                outcome -> inner.apply(outcome._1()).asScala();
        return RouteAdapter.asJava(Directives$.MODULE$.onComplete(() -> future).tapply(then));
    }

    private static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
