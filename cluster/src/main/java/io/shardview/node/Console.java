package io.shardview.node;

import static org.apache.pekko.http.javadsl.server.Directives.concat;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResource;
import static org.apache.pekko.http.javadsl.server.Directives.getFromResourceDirectory;
import static org.apache.pekko.http.javadsl.server.Directives.pathEndOrSingleSlash;
import static org.apache.pekko.http.javadsl.server.Directives.respondWithHeaders;

import java.util.List;
import org.apache.pekko.http.javadsl.model.ContentTypes;
import org.apache.pekko.http.javadsl.model.HttpHeader;
import org.apache.pekko.http.javadsl.server.Route;

/**
 * The web console (docs/console.md) at {@code /console}: static files from the jar ({@code console/} on the class
 * path: an HTML page, its CSS and JavaScript modules), which read and write through the public API with the token the
 * browser session keeps. Open without a token, as the page itself holds nothing; every request it makes is checked as
 * any other. Served with {@code no-cache}, so a browser picks up a new node's console at once, and a policy that lets
 * the page load scripts and styles from this node only.
 */
final class Console {
    private Console() {}

    private static final List<HttpHeader> HEADERS = List.of(
            HttpHeader.parse("Cache-Control", "no-cache"),
            HttpHeader.parse("X-Content-Type-Options", "nosniff"),
            HttpHeader.parse(
                    "Content-Security-Policy",
                    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'"));

    static Route route() {
        return respondWithHeaders(
                HEADERS,
                () -> concat(
                        pathEndOrSingleSlash(() -> getFromResource("console/index.html", ContentTypes.TEXT_HTML_UTF8)),
                        getFromResourceDirectory("console")));
    }
}
