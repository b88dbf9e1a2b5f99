package io.shardview.metrics.rules;

/** An alert template that does not parse, or uses a function or construct this node does not run. */
public final class TemplateException extends IllegalArgumentException {
    /** A parse error worded as Go's text/template (and so promtool check rules) words it. */
    public TemplateException(String message) {
        super(message);
    }
}
