package io.shardview.metrics.ingest.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import org.junit.jupiter.api.Test;

class JsonMessagesTest {
    private static String readableError(String json) {
        JsonProcessingException e = assertThrows(JsonProcessingException.class, () -> {
            try (JsonParser parser = new JsonFactory().createParser(json)) {
                while (parser.nextToken() != null) parser.skipChildren();
            }
        });
        return JsonMessages.readable(e);
    }

    @Test
    void sourceLocationsAndJacksonSettingsAreLeftOutOfTheMessage() {
        assertEquals("Unexpected end-of-input: expected close marker for Object", readableError("{\"a\":\n{"));
        assertEquals("Unexpected close marker '}': expected ']'", readableError("{\"a\": [1, 2}"));
        assertEquals("Non-standard token 'NaN'", readableError("[NaN]"));
        assertEquals(
                "Unexpected character ('/' (code 47)): maybe a (non-standard) comment?", readableError("{\"a\": 1/}"));
    }
}
