package io.shardview.http;

import io.shardview.http.edge.EdgeResponse;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpEntities;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** An answer built for the edge, as a Pekko HTTP response for the routes still written in Pekko's DSL. */
public final class PekkoResponses {
    private PekkoResponses() {}

    /** {@code response} in Pekko's model. */
    public static HttpResponse of(EdgeResponse response) {
        HttpResponse out = HttpResponse.create().withStatus(response.status());
        for (int i = 0; i < response.headers().size(); i += 2) {
            out = out.addHeader(RawHeader.create(
                    response.headers().get(i), response.headers().get(i + 1)));
        }
        if (response.contentType() == null) return out.withEntity(HttpEntities.create(response.body()));
        var type = response.contentType().equals(EdgeResponse.JSON)
                ? ContentTypes.APPLICATION_JSON
                : ContentTypes.parse(response.contentType());
        return out.withEntity(HttpEntities.create(type, response.body()));
    }
}
