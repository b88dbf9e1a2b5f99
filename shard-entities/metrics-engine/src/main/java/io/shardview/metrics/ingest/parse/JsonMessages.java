package io.shardview.metrics.ingest.parse;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.util.regex.Pattern;

/**
 * Jackson's complaint about malformed JSON as a client may read it: the first line of the original
 * message without source locations (the caller names the line), and without the hints that name
 * Jackson's own settings ({@code enable `JsonReadFeature.X` to allow}, {@code from
 * `StreamReadConstraints...`}), which mean nothing to a client and which it cannot change.
 */
public final class JsonMessages {
    /**
     * Where Jackson saw something: "(start marker at [Source: ...; line: 2, column: 19])", "(for Array
     * starting at [Source: ...])", or a bare "at [Source: ...]".
     */
    private static final Pattern SOURCE_LOCATION =
            Pattern.compile("\\s*\\([^()]*?\\bat \\[Source:[^\\]]*\\]\\)|\\s*\\bat \\[Source:[^\\]]*\\]");
    /** Jackson naming one of its features: "(not recognized as one since Feature 'ALLOW_COMMENTS' not enabled for parser)". */
    private static final Pattern FEATURE_HINT = Pattern.compile("\\s*\\([^()]*\\bFeature\\b[^()]*\\)");

    private static final Pattern SETTING_HINT =
            Pattern.compile("[\\s:;,]*\\(?\\s*(?:enable|from|use|or)?\\s*`[^`]*`(?:\\s*to allow)?\\s*\\)?");

    private JsonMessages() {}

    /** The readable part of {@code e}'s message. */
    public static String readable(JsonProcessingException e) {
        String message = e.getOriginalMessage();
        if (message == null || message.isBlank()) return "malformed JSON";
        int newline = message.indexOf('\n');
        if (newline >= 0) message = message.substring(0, newline);
        message = SOURCE_LOCATION.matcher(message).replaceAll("");
        message = FEATURE_HINT.matcher(message).replaceAll("");
        message = SETTING_HINT.matcher(message).replaceAll("").trim();
        return message.isEmpty() ? "malformed JSON" : message;
    }
}
