package io.shardview.circuit.pg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.shardview.circuit.error.EvaluationException;
import org.junit.jupiter.api.Test;

/** LIKE and ILIKE, each case against what PostgreSQL 15 answered. */
class LikePatternTest {
    private static boolean like(String value, String pattern) {
        return LikePattern.of(pattern, "\\", false).matches(value);
    }

    @Test
    void wildcardsMatchTheWholeValue() {
        assertTrue(like("ab", "a_"));
        assertTrue(like("abc", "a%"));
        assertTrue(like("abc", "%c"));
        assertTrue(like("abcabc", "%b%c"));
        assertTrue(like("", "%"));
        assertFalse(like("", "_"));
        assertFalse(like("abc", "b%"));
        assertFalse(like("a", "a_"));
        assertTrue(like("h😀llo", "h_llo"), "one character, not one UTF-16 unit");
        assertFalse(like("aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", "%a%a%a%a%a%a%a%a%a%a%c"));
    }

    @Test
    void escapesMakeTheNextCharacterLiteral() {
        assertTrue(like("x%y", "x\\%y"));
        assertFalse(like("xzy", "x\\%y"));
        assertTrue(like("a\\b", "a\\\\b"));
        assertTrue(LikePattern.of("x#_", "#", false).matches("x_"));
        assertTrue(LikePattern.of("a\\b", "", false).matches("a\\b"), "ESCAPE '' turns escaping off");
        assertEquals(
                "LIKE pattern must not end with escape character",
                assertThrows(EvaluationException.class, () -> LikePattern.of("a\\", "\\", false))
                        .getMessage());
        assertThrows(EvaluationException.class, () -> LikePattern.of("a", "ab", false));
    }

    @Test
    void ilikeComparesLowerCase() {
        assertTrue(LikePattern.of("abc", "\\", true).matches("AbC"));
        assertTrue(LikePattern.of("A%", "\\", true).matches("ab"));
        assertFalse(LikePattern.of("SS", "\\", true).matches("ß"));
    }
}
