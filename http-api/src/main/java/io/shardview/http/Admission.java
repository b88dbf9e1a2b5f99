package io.shardview.http;

import io.shardview.http.edge.EdgeResponse;
import java.util.List;
import org.apache.pekko.http.javadsl.model.HttpResponse;
import org.apache.pekko.http.javadsl.model.headers.RawHeader;

/** Who may call what: the node's policy, asked for each request before an endpoint serves it (auth, docs/api.md). */
public interface Admission {
    /**
     * The policy's verdict on a request: {@code method}, the decoded segments of its {@code path}, its Authorization
     * header (or null) and its {@code access_token} query parameter (or null).
     */
    Verdict check(String method, List<String> path, String authorization, String accessToken);

    /** What the policy says of a request: let in as a principal, or refused with an answer. */
    sealed interface Verdict {
        /** Let in, as {@code principal} (an {@code io.shardview.http.auth.Principal}). */
        record Allowed(Object principal) implements Verdict {}

        /** Refused: the error and the headers that go with it (a challenge, a Retry-After). */
        record Refused(ApiError error, List<String> headers) implements Verdict {
            /** The edge's answer. */
            public EdgeResponse toEdgeResponse() {
                EdgeResponse response = error.toEdgeResponse();
                for (int i = 0; i < headers.size(); i += 2) {
                    response = response.withHeader(headers.get(i), headers.get(i + 1));
                }
                return response;
            }

            /** The answer in Pekko's model. */
            public HttpResponse toResponse() {
                HttpResponse response = error.toResponse();
                for (int i = 0; i < headers.size(); i += 2) {
                    response = response.addHeader(RawHeader.create(headers.get(i), headers.get(i + 1)));
                }
                return response;
            }
        }
    }
}
