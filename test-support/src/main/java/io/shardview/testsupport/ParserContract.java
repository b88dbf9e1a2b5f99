package io.shardview.testsupport;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What every request parser promises under fuzzing, beside returning a result or throwing its
 * documented rejection: the rejection's message is one clean sentence that names no library
 * internals, and the memory a parse allocates is bounded by its input's size and the limits.
 */
public final class ParserContract {
    /** Wordings of Jackson, protobuf and the JDK that a client must never see. */
    private static final List<Pattern> INTERNALS = List.of(
            Pattern.compile("\\b(com|org|java|javax|sun|jdk)\\.[a-z]+"),
            Pattern.compile("\\b[A-Z][A-Za-z]*(Exception|Error)\\b"),
            Pattern.compile(
                    "StreamReadConstraints|StreamReadFeature|JsonReadFeature|JsonParser\\.Feature|ALLOW_[A-Z_]+"),
            Pattern.compile("setSizeLimit|setRecursionLimit|CodedInputStream"),
            Pattern.compile("at \\[Source|line: \\d+, column: \\d+"));

    /** A frame of a Java stack trace ("at io.x.Y.z(Y.java:12)"), which no client input spells by chance. */
    private static final Pattern STACK_FRAME =
            Pattern.compile("\\bat [\\w$.]+\\((?:[\\w$]+\\.java:\\d+|Native Method|Unknown Source)\\)");

    private static final com.sun.management.ThreadMXBean THREADS =
            (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

    private ParserContract() {}

    /** Fails if {@code message} is empty or carries a library's wording that {@code input} did not bring. */
    public static void assertCleanMessage(String message, String input) {
        assertTrue(message != null && !message.isBlank(), "a rejection says why");
        for (Pattern internal : INTERNALS) {
            Matcher m = internal.matcher(message);
            while (m.find()) {
                assertTrue(input.contains(m.group()), "the message leaks \"" + m.group() + "\": " + message);
            }
        }
        assertFalse(STACK_FRAME.matcher(message).find(), "the message holds a stack trace: " + message);
    }

    /** Bytes allocated by the current thread so far (to measure one parse). */
    public static long allocatedBytes() {
        return THREADS.getCurrentThreadAllocatedBytes();
    }

    /**
     * Fails if a parse of {@code inputBytes} allocated (measured with {@link #allocatedBytes()} around the parse
     * alone: the checks of its outcome run regexes the fuzzer instruments) more than
     * {@code baseBytes + perInputByte * inputBytes}.
     */
    public static void assertAllocationBounded(long allocated, int inputBytes, long baseBytes, long perInputByte) {
        long budget = baseBytes + perInputByte * inputBytes;
        assertTrue(
                allocated <= budget,
                "a parse of " + inputBytes + " bytes allocated " + allocated + " bytes, over its budget of " + budget);
    }
}
