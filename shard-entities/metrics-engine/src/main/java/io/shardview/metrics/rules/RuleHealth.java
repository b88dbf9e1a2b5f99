package io.shardview.metrics.rules;

/**
 * How a rule's last evaluation went, as {@code api/v1/rules} shows it.
 *
 * @param health {@code ok}, {@code err}, or {@code unknown} before its first evaluation
 * @param lastError the last evaluation's error, or empty
 * @param lastEvaluation when it was last evaluated (milliseconds of the evaluation's time; 0: never)
 * @param evaluationSeconds how long that evaluation took
 */
public record RuleHealth(String health, String lastError, long lastEvaluation, double evaluationSeconds) {
    /** Before the first evaluation. */
    public static final RuleHealth UNKNOWN = new RuleHealth("unknown", "", 0, 0);
}
