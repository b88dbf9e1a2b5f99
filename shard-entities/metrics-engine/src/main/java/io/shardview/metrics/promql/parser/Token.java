package io.shardview.metrics.promql.parser;

/**
 * One lexical item of a query: its kind, its text as written, its 0-based offset, and for strings the unescaped value.
 */
record Token(Kind kind, String text, int pos, String value) {
    /** The kinds of items, grouped as Prometheus groups them, since its error messages render each group differently. */
    enum Kind {
        EOF(Group.OTHER),
        IDENTIFIER(Group.OTHER),
        METRIC_IDENTIFIER(Group.OTHER),
        NUMBER(Group.OTHER),
        STRING(Group.OTHER),
        DURATION(Group.OTHER),
        LEFT_PAREN(Group.PUNCTUATION),
        RIGHT_PAREN(Group.PUNCTUATION),
        LEFT_BRACE(Group.PUNCTUATION),
        RIGHT_BRACE(Group.PUNCTUATION),
        LEFT_BRACKET(Group.PUNCTUATION),
        RIGHT_BRACKET(Group.PUNCTUATION),
        COMMA(Group.PUNCTUATION),
        EQL(Group.PUNCTUATION),
        COLON(Group.PUNCTUATION),
        ADD(Group.OPERATOR),
        SUB(Group.OPERATOR),
        MUL(Group.OPERATOR),
        DIV(Group.OPERATOR),
        MOD(Group.OPERATOR),
        POW(Group.OPERATOR),
        ATAN2(Group.OPERATOR),
        EQLC(Group.OPERATOR),
        NEQ(Group.OPERATOR),
        LTE(Group.OPERATOR),
        LSS(Group.OPERATOR),
        GTE(Group.OPERATOR),
        GTR(Group.OPERATOR),
        LAND(Group.OPERATOR),
        LOR(Group.OPERATOR),
        LUNLESS(Group.OPERATOR),
        EQL_REGEX(Group.OPERATOR),
        NEQ_REGEX(Group.OPERATOR),
        AT(Group.OPERATOR),
        AVG(Group.AGGREGATOR),
        BOTTOMK(Group.AGGREGATOR),
        COUNT(Group.AGGREGATOR),
        COUNT_VALUES(Group.AGGREGATOR),
        GROUP(Group.AGGREGATOR),
        MAX(Group.AGGREGATOR),
        MIN(Group.AGGREGATOR),
        QUANTILE(Group.AGGREGATOR),
        STDDEV(Group.AGGREGATOR),
        STDVAR(Group.AGGREGATOR),
        SUM(Group.AGGREGATOR),
        TOPK(Group.AGGREGATOR),
        BOOL(Group.KEYWORD),
        BY(Group.KEYWORD),
        GROUP_LEFT(Group.KEYWORD),
        GROUP_RIGHT(Group.KEYWORD),
        IGNORING(Group.KEYWORD),
        OFFSET(Group.KEYWORD),
        ON(Group.KEYWORD),
        WITHOUT(Group.KEYWORD),
        START(Group.PREPROCESSOR),
        END(Group.PREPROCESSOR);

        private final Group group;

        Kind(Group group) {
            this.group = group;
        }

        Group group() {
            return group;
        }
    }

    /** How Prometheus's lexer classifies item kinds. */
    enum Group {
        OTHER,
        PUNCTUATION,
        OPERATOR,
        AGGREGATOR,
        KEYWORD,
        PREPROCESSOR
    }

    /** A token without an unescaped value. */
    Token(Kind kind, String text, int pos) {
        this(kind, text, pos, null);
    }

    /** How Prometheus names the item in "unexpected ..." errors: {@code <op:+>}, {@code identifier "foo"}. */
    String describe() {
        return switch (kind.group()) {
            case OPERATOR -> "<op:" + text + ">";
            case AGGREGATOR -> "<aggr:" + text + ">";
            case KEYWORD -> "<" + text + ">";
            case PUNCTUATION, PREPROCESSOR -> GoText.quote(text);
            case OTHER -> switch (kind) {
                case EOF -> "end of input";
                case IDENTIFIER -> "identifier " + GoText.quote(text);
                case METRIC_IDENTIFIER -> "metric identifier " + GoText.quote(text);
                case STRING -> "string " + shortQuote();
                case NUMBER -> "number " + shortQuote();
                default -> "duration " + shortQuote();
            };
        };
    }

    // Prometheus prints literals longer than ten bytes as their first ten characters, quoted, and "...".
    private String shortQuote() {
        return text.length() > 10 ? GoText.quote(text, 10) + "..." : GoText.quote(text);
    }
}
