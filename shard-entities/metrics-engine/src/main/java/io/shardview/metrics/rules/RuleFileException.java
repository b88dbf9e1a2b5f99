package io.shardview.metrics.rules;

import java.util.List;

/** A text that is not a valid Prometheus rule file, with every error found in it. */
public final class RuleFileException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    private final List<String> errors;

    /** {@code errors} is not empty; the message is them joined by "; ". */
    public RuleFileException(List<String> errors) {
        super(String.join("; ", errors));
        this.errors = List.copyOf(errors);
    }

    /** Each error, in the order found (Prometheus's wording, with a line and column where the YAML gives one). */
    public List<String> errors() {
        return errors;
    }
}
