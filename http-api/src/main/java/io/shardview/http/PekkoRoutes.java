package io.shardview.http;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.shardview.http.edge.EdgeHandler;
import io.shardview.http.edge.EdgeRequest;
import io.shardview.http.edge.EdgeResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.apache.pekko.NotUsed;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.http.javadsl.model.ContentType;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpEntity;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.model.HttpMethods;
import org.apache.pekko.http.javadsl.model.HttpProtocols;
import org.apache.pekko.http.javadsl.model.HttpRequest;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.RequestEntity;
import org.apache.pekko.http.javadsl.model.Uri;
import org.apache.pekko.http.javadsl.server.Route;
import org.apache.pekko.japi.function.Function;
import org.apache.pekko.stream.Materializer;
import org.apache.pekko.stream.javadsl.AsPublisher;
import org.apache.pekko.stream.javadsl.Sink;
import org.apache.pekko.stream.javadsl.Source;
import org.apache.pekko.util.ByteString;

/**
 * The endpoints still written as Pekko HTTP routes, served through the edge in this process: each request becomes a
 * Pekko {@link HttpRequest} (headers parsed into Pekko's model as its server would, the body whole when it came whole
 * or else a stream read as the route pulls it), the route runs, and its {@link HttpResponse} is written back (a whole
 * body at once, a streamed one as the socket takes it). No second socket, no second parser: only the routing runs in
 * Pekko. Endpoints move from here to the edge's own handlers one by one.
 */
public final class PekkoRoutes implements EdgeHandler {
    private final Function<HttpRequest, CompletionStage<HttpResponse>> route;
    private final Materializer materializer;

    /** Serves {@code route} (sealed: a rejection or an exception it does not handle becomes its answer). */
    public PekkoRoutes(ActorSystem<?> system, Route route) {
        this.route = route.seal().handler(system);
        this.materializer = Materializer.matFromSystem(system);
    }

    @Override
    public void handle(EdgeRequest request) {
        HttpRequest pekko;
        try {
            pekko = toPekko(request);
        } catch (IllegalArgumentException e) { // IllegalUriException, an unparsable header Pekko refuses
            request.reply(ApiError.of(ErrorCode.BAD_REQUEST, "the request cannot be parsed: " + firstLine(e))
                    .toEdgeResponse());
            return;
        }
        CompletionStage<HttpResponse> answer;
        try {
            answer = route.apply(pekko);
        } catch (Exception e) {
            request.reply(Contained.internalApiError("route", e, false).toEdgeResponse());
            return;
        }
        answer.whenComplete((response, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause()
                        : failure;
                request.reply(Contained.internalApiError("route", cause, true).toEdgeResponse());
            } else {
                answer(request, response);
            }
        });
    }

    private HttpRequest toPekko(EdgeRequest request) {
        List<HttpHeader> headers = new ArrayList<>(request.headers().size());
        ContentType contentType = null;
        for (Map.Entry<String, String> header : request.headers()) {
            String name = header.getKey();
            if (name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Transfer-Encoding")) continue;
            HttpHeader parsed = HttpHeader.parse(name, header.getValue());
            if (parsed instanceof org.apache.pekko.http.javadsl.model.headers.ContentType type) {
                contentType = type.contentType();
            } else if (!name.equalsIgnoreCase("Content-Type")) {
                headers.add(parsed);
            }
        }
        return HttpRequest.create()
                .withMethod(HttpMethods.lookup(request.method().name()).orElseThrow())
                .withUri(Uri.create(request.uri(), Uri.RELAXED))
                .withProtocol(
                        request.protocolVersion().minorVersion() == 0 ? HttpProtocols.HTTP_1_0 : HttpProtocols.HTTP_1_1)
                .addHeaders(headers)
                .withEntity(entity(request, contentType));
    }

    /**
     * The body as Pekko's server would give it: whole when it arrived with the head, else streamed; without a
     * Content-Type an empty body has none and any other is application/octet-stream.
     */
    private static RequestEntity entity(EdgeRequest request, ContentType declared) {
        if (request.bodyComplete()) {
            ByteString bytes = ByteString.fromArrayUnsafe(request.takeArrivedBody());
            ContentType type = declared != null
                    ? declared
                    : bytes.isEmpty() ? ContentTypes.NO_CONTENT_TYPE : ContentTypes.APPLICATION_OCTET_STREAM;
            return HttpEntities.create(type, bytes);
        }
        ContentType type = declared != null ? declared : ContentTypes.APPLICATION_OCTET_STREAM;
        Source<ByteString, NotUsed> body =
                Source.fromPublisher(request.streamBody()).map(PekkoRoutes::toByteString);
        long length = request.contentLength();
        return length >= 0 ? HttpEntities.create(type, length, body) : HttpEntities.create(type, body);
    }

    private static ByteString toByteString(ByteBuf chunk) {
        try {
            byte[] bytes = new byte[chunk.readableBytes()];
            chunk.readBytes(bytes);
            return ByteString.fromArrayUnsafe(bytes);
        } finally {
            chunk.release();
        }
    }

    /** Writes Pekko's answer: a whole body at once, any other as a stream. */
    private void answer(EdgeRequest request, HttpResponse response) {
        HttpEntity entity = response.entity();
        String contentType = entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)
                ? null
                : entity.getContentType().toString();
        List<String> headers = new ArrayList<>();
        for (HttpHeader header : response.getHeaders()) {
            headers.add(header.name());
            headers.add(header.value());
        }
        if (entity instanceof HttpEntity.Strict strict) {
            request.reply(new EdgeResponse(
                    response.status().intValue(), contentType, strict.getData().toArray(), headers));
            return;
        }
        var head = new DefaultHttpResponse(
                HttpVersion.HTTP_1_1,
                new HttpResponseStatus(
                        response.status().intValue(), response.status().reason()));
        for (int i = 0; i < headers.size(); i += 2) head.headers().add(headers.get(i), headers.get(i + 1));
        if (contentType != null) head.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        entity.getContentLengthOption().ifPresent(n -> head.headers().set(HttpHeaderNames.CONTENT_LENGTH, n));
        var chunks = entity.getDataBytes()
                .map(bytes -> Unpooled.wrappedBuffer(bytes.toArrayUnsafe()))
                .runWith(Sink.asPublisher(AsPublisher.WITHOUT_FANOUT), materializer);
        request.replyStreaming(head, chunks);
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
