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

    @Test
    void padSplitLeftRightAndReplaceAtTheirEdges() {
        // PostgreSQL 15: lpad('ab', 5, ''), lpad('ab', -1), lpad('abcdef', 3, 'x'), rpad('ab', 6, 'xyz'),
        // split_part('abc', '', 1), split_part('abc', '', 2), split_part('', 'x', 1), split_part('a,b,c', ',', -4),
        // split_part('a,b,c', ',', -1), replace('abc', '', 'x'), left('abc', -5), right('abc', 5), right('abc', -5).
        assertEquals("ab", Strings.pad("ab", 5, "", true));
        assertEquals("", Strings.pad("ab", -1, " ", true));
        assertEquals("abc", Strings.pad("abcdef", 3, "x", true));
        assertEquals("abxyzx", Strings.pad("ab", 6, "xyz", false));
        assertEquals("**😀", Strings.pad("😀", 3, "*", true));
        assertEquals("abc", Strings.splitPart("abc", "", 1));
        assertEquals("", Strings.splitPart("abc", "", 2));
        assertEquals("", Strings.splitPart("", "x", 1));
        assertEquals("", Strings.splitPart("a,b,c", ",", -4));
        assertEquals("c", Strings.splitPart("a,b,c", ",", -1));
        assertEquals("b", Strings.splitPart("a,,b", ",,", 2));
        assertEquals(
                "field position must not be zero",
                assertThrows(EvaluationException.class, () -> Strings.splitPart("a", ",", 0))
                        .getMessage());
        assertEquals("abc", Strings.replace("abc", "", "x"));
        assertEquals("xyxy", Strings.replace("abab", "ab", "xy"));
        assertEquals("", Strings.leftOrRight("abc", -5, true));
        assertEquals("abc", Strings.leftOrRight("abc", 5, false));
        assertEquals("", Strings.leftOrRight("abc", -5, false));
        assertEquals("bc", Strings.leftOrRight("abc", -1, false));
    }

    @Test
    void aResultTooLargeForOneRowFailsInsteadOfTakingTheNodesMemory() {
        assertEquals(
                "requested length too large",
                assertThrows(
                                EvaluationException.class,
                                () -> Strings.pad("a", Strings.MAX_RESULT_CHARS + 1L, "x", true))
                        .getMessage());
        String many = "a".repeat(1000);
        String big = "b".repeat(Strings.MAX_RESULT_CHARS / 100);
        assertThrows(EvaluationException.class, () -> Strings.replace(many, "a", big));
    }
}
