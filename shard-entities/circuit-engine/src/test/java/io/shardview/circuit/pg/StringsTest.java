package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.shardview.circuit.error.EvaluationException;
import org.junit.jupiter.api.Test;

/**
 * The string functions at their edges, each against what PostgreSQL 15 answered for the same call: positions before
 * the first character, past the end, empty needles, characters outside the BMP (counted once, as PostgreSQL counts
 * characters).
 */
class StringsTest {
    @Test
    void substringCountsPositionsBeforeTheFirstCharacterAndStopsAtTheEnd() {
        assertEquals("a", Strings.substring("abc", 0, 2L)); // substring('abc' from 0 for 2)
        assertEquals("", Strings.substring("abc", -1, 2L));
        assertEquals("bc", Strings.substring("abc", 2, null));
        assertEquals("", Strings.substring("abc", 5, null));
        assertEquals("😀l", Strings.substring("h😀llo", 2, 2L));
        assertEquals("abc", Strings.substring("abc", -5, Long.MAX_VALUE));
        assertEquals(
                "negative substring length not allowed",
                assertThrows(EvaluationException.class, () -> Strings.substring("abc", 1, -1L))
                        .getMessage());
    }

    @Test
    void lengthAndPositionCountCharacters() {
        assertEquals(6, Strings.length("h€llo😀"));
        assertEquals(3, Strings.position("l", "h😀llo"));
        assertEquals(1, Strings.position("", "abc"));
        assertEquals(3, Strings.position("c", "abc"));
        assertEquals(0, Strings.position("d", "abc"));
    }

    @Test
    void trimRemovesAnyOfTheCharactersFromTheEndsAsked() {
        assertEquals("axx", Strings.trim("xxaxx", "x", "LEADING"));
        assertEquals("a", Strings.trim("axyyx", "xy", "TRAILING"));
        assertEquals("a", Strings.trim(" a ", " ", "BOTH"));
    }
}
