package io.shardview.http.edge;

import java.util.Map;

/**
 * How the edge words the answers it gives itself (a malformed request, a request past its timeout, a bug while serving
 * one): in the API's error model, which the layer above the edge owns.
 */
public interface EdgeErrors {
    /** The answer for an error of {@code status} with the API's machine {@code code}. */
    EdgeResponse error(int status, String code, String message, Map<String, Object> details);

    /** The 500 for a bug while serving a request, logged (with the id the answer names). */
    EdgeResponse internal(String what, Throwable error);
}
