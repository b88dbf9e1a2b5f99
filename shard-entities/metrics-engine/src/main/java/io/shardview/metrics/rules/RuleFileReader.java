package io.shardview.metrics.rules;

import io.shardview.metrics.promql.parser.Durations;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.DumperOptions.ScalarStyle;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeId;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;
import org.yaml.snakeyaml.scanner.Scanner;
import org.yaml.snakeyaml.scanner.ScannerImpl;
import org.yaml.snakeyaml.tokens.DirectiveToken;
import org.yaml.snakeyaml.tokens.ScalarToken;
import org.yaml.snakeyaml.tokens.Token;

/**
 * Decodes a rule file's YAML as Prometheus 2.42's rulefmt does with yaml.v3 in strict mode: a field the format does not
 * have is an error, so is a value of the wrong kind (named by its Go type), null is the zero value, and {@code record},
 * {@code alert} and {@code expr} keep whatever text the YAML had there (rulefmt keeps them as yaml.Nodes). Checking the
 * values is {@link RuleChecks}'s job.
 *
 * <p>It reads the node tree of SnakeYAML (the parser under jackson-dataformat-yaml) rather than Jackson's tokens: how
 * yaml.v3 decodes a scalar depends on its style (quoted or plain) and explicit tag, which Jackson does not expose.
 */
final class RuleFileReader {
    static final int MAX_GROUPS = 1_000;
    static final int MAX_RULES = 10_000;

    /**
     * Aliases let a small file use one map many times and each use is decoded again, so the work is bounded by the
     * values decoded, not the text's size; a file of 1 MiB without aliases has far fewer.
     */
    static final int MAX_VALUES = 1_000_000;

    /** A 1-based line and column in the file. */
    record Position(int line, int column) {
        @Override
        public String toString() {
            return line + ":" + column;
        }
    }

    /** A field kept as yaml.Node keeps it: the scalar's text ("" for a list or a map); {@code at} null when absent. */
    record Field(String value, Position at) {
        static final Field ABSENT = new Field("", null);
    }

    /** One rule as written, before its checks. */
    record RawRule(
            Field record,
            Field alert,
            Field expr,
            long forMillis,
            long keepFiringForMillis,
            Map<String, String> labels,
            Map<String, String> annotations) {}

    /** One group as written, before its checks; {@code limit} is Go's int (64 bits). */
    record RawGroup(String name, Position at, long intervalMillis, long limit, List<RawRule> rules) {}

    // Tags every untagged node with this marker, so that an explicit tag (`!!str 5`) can be told from SnakeYAML's own
    // resolution, which is YAML 1.1's and not yaml.v3's.
    private static final Tag UNTAGGED = new Tag("tag:shardview.io,2026:untagged");
    private static final Resolver NO_RESOLUTION = new Resolver() {
        @Override
        public Tag resolve(NodeId kind, String value, boolean implicit) {
            return UNTAGGED;
        }
    };

    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
    private static final Set<String> BOOLS = Set.of("true", "True", "TRUE", "false", "False", "FALSE");
    private static final Pattern YAML_FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern GO_INT =
            Pattern.compile("[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)");

    private static final String GROUPS_TYPE = "rulefmt.RuleGroups";
    private static final String GROUP_TYPE = "rulefmt.RuleGroup";
    private static final String RULE_TYPE = "rulefmt.RuleNode";

    /** Beyond this many decoding errors the rest are not worth reading (an aliased map can repeat one error often). */
    static final int MAX_ERRORS = 100;

    private final List<String> errors = new ArrayList<>();
    private int values;
    private int rules;

    private RuleFileReader() {}

    /** The groups of a rule file's text, or every decoding error; null groups and rules are dropped, as yaml.v3 does. */
    static List<RawGroup> read(String yaml) {
        Node root = firstDocument(yaml);
        RuleFileReader reader = new RuleFileReader();
        List<RawGroup> groups = root == null ? List.of() : reader.ruleGroups(root);
        if (!reader.errors.isEmpty()) {
            throw new RuleFileException(reader.errors);
        }
        return groups;
    }

    /** yaml.v3's Decoder reads the first document only; the ones after it are not even parsed. */
    private static Node firstDocument(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setMaxAliasesForCollections(Integer.MAX_VALUE); // MAX_VALUES bounds the work instead
        options.setCodePointLimit(Integer.MAX_VALUE); // RuleFiles has checked the size
        Scanner scanner = new YamlV3Scanner(yaml, new ScannerImpl(new StreamReader(yaml), options));
        Composer composer = new Composer(new ParserImpl(scanner), NO_RESOLUTION, options);
        try {
            return composer.checkNode() ? composer.getNode() : null;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            String where = mark == null ? "" : "line " + (mark.getLine() + 1) + ": ";
            throw new RuleFileException(List.of("yaml: " + where + e.getProblem()));
        } catch (YAMLException e) {
            throw new RuleFileException(List.of("yaml: " + e.getMessage()));
        }
    }

    /**
     * Refuses two things that yaml.v3's scanner refuses and SnakeYAML's accepts: a {@code %YAML} directive of a version
     * other than 1.1 before the first document (SnakeYAML reads any 1.x as 1.1 and does not say which), and the escape
     * of a UTF-16 surrogate (U+D800 to U+DFFF) in a double-quoted scalar, which SnakeYAML accepts and joins into pairs.
     */
    private static final class YamlV3Scanner implements Scanner {
        private static final Pattern SURROGATE_ESCAPE =
                Pattern.compile("\\\\\\\\|\\\\(u[dD][89a-fA-F][0-9a-fA-F]{2}|U0000[dD][89a-fA-F][0-9a-fA-F]{2})");

        private final String yaml;
        private final Scanner scanner;
        private boolean inDocument;

        YamlV3Scanner(String yaml, Scanner scanner) {
            this.yaml = yaml;
            this.scanner = scanner;
        }

        @Override
        public boolean checkToken(Token.ID... choices) {
            return scanner.checkToken(choices);
        }

        @Override
        public Token peekToken() {
            return scanner.peekToken();
        }

        @Override
        public Token getToken() {
            Token token = scanner.getToken();
            if (!inDocument
                    && token instanceof DirectiveToken<?> directive
                    && directive.getName().equals("YAML")) {
                if (!List.of(1, 1).equals(directive.getValue())) {
                    throw new RuleFileException(List.of("yaml: found incompatible YAML document"));
                }
            } else if (token.getTokenId() != Token.ID.StreamStart && token.getTokenId() != Token.ID.Directive) {
                inDocument = true;
            }
            if (token instanceof ScalarToken scalar
                    && scalar.getStyle() == ScalarStyle.DOUBLE_QUOTED
                    && hasSurrogate(scalar.getValue())
                    && escapesSurrogate(scalar)) {
                throw new RuleFileException(List.of("yaml: line "
                        + (scalar.getStartMark().getLine() + 1) + ": found invalid Unicode character escape code"));
            }
            return token;
        }

        /** Whether the scalar's source text has a surrogate escape (a doubled backslash escapes only itself). */
        private boolean escapesSurrogate(ScalarToken scalar) {
            // Marks count code points, the string's indexes count UTF-16 units.
            int start = yaml.offsetByCodePoints(0, scalar.getStartMark().getIndex());
            int end = yaml.offsetByCodePoints(
                    start,
                    scalar.getEndMark().getIndex() - scalar.getStartMark().getIndex());
            java.util.regex.Matcher escapes = SURROGATE_ESCAPE.matcher(yaml.substring(start, end));
            while (escapes.find()) {
                if (escapes.group(1) != null) {
                    return true;
                }
            }
            return false;
        }

        private static boolean hasSurrogate(String text) {
            return text.chars().anyMatch(c -> Character.isSurrogate((char) c));
        }

        @Override
        public void resetDocumentIndex() {
            scanner.resetDocumentIndex();
        }
    }

    // ---- the three structs

    private List<RawGroup> ruleGroups(Node node) {
        List<RawGroup> groups = new ArrayList<>();
        for (NodeTuple entry : mapEntries(node, GROUPS_TYPE)) {
            String field = key(entry);
            if ("groups".equals(field)) {
                groups = groupList(entry.getValueNode());
            } else if (field != null) {
                unknownField(entry, GROUPS_TYPE);
            }
        }
        return groups;
    }

    private List<RawGroup> groupList(Node node) {
        List<RawGroup> groups = new ArrayList<>();
        for (Node item : sequence(node, "[]" + GROUP_TYPE)) {
            if (groups.size() == MAX_GROUPS) {
                throw new RuleFileException(List.of("a rule file may have at most " + MAX_GROUPS + " groups"));
            }
            if (!isNull(item)) {
                groups.add(group(item));
            }
        }
        return groups;
    }

    private RawGroup group(Node node) {
        String name = "";
        long interval = 0;
        long limit = 0;
        List<RawRule> groupRules = new ArrayList<>();
        for (NodeTuple entry : mapEntries(node, GROUP_TYPE)) {
            String field = key(entry);
            Node value = entry.getValueNode();
            if (field == null) {
                continue;
            }
            switch (field) {
                case "name" -> name = string(value, "");
                case "interval" -> interval = duration(value);
                case "limit" -> limit = integer(value);
                case "rules" -> groupRules = ruleList(value);
                default -> unknownField(entry, GROUP_TYPE);
            }
        }
        return new RawGroup(name, position(node), interval, limit, groupRules);
    }

    private List<RawRule> ruleList(Node node) {
        List<RawRule> list = new ArrayList<>();
        for (Node item : sequence(node, "[]" + RULE_TYPE)) {
            if (++rules > MAX_RULES) {
                throw new RuleFileException(List.of("a rule file may have at most " + MAX_RULES + " rules"));
            }
            if (!isNull(item)) {
                list.add(rule(item));
            }
        }
        return list;
    }

    private RawRule rule(Node node) {
        Field record = Field.ABSENT;
        Field alert = Field.ABSENT;
        Field expr = Field.ABSENT;
        long forMillis = 0;
        long keepFiringFor = 0;
        Map<String, String> labels = Map.of();
        Map<String, String> annotations = Map.of();
        for (NodeTuple entry : mapEntries(node, RULE_TYPE)) {
            String field = key(entry);
            Node value = entry.getValueNode();
            if (field == null) {
                continue;
            }
            switch (field) {
                case "record" -> record = field(value);
                case "alert" -> alert = field(value);
                case "expr" -> expr = field(value);
                case "for" -> forMillis = duration(value);
                case "keep_firing_for" -> keepFiringFor = duration(value);
                case "labels" -> labels = stringMap(value);
                case "annotations" -> annotations = stringMap(value);
                default -> unknownField(entry, RULE_TYPE);
            }
        }
        return new RawRule(record, alert, expr, forMillis, keepFiringFor, labels, annotations);
    }

    // ---- values, as yaml.v3 decodes each Go type

    /** A yaml.Node field: rulefmt reads its Value, the scalar's text whatever its type, "" for a list or a map. */
    private Field field(Node node) {
        count();
        return new Field(node instanceof ScalarNode scalar ? scalar.getValue() : "", position(node));
    }

    /** A Go string: any scalar's text; null is "". {@code null} after a type error. */
    private String string(Node node, String ifNull) {
        count();
        if (isNull(node)) {
            return ifNull;
        }
        if (node instanceof ScalarNode scalar) {
            return scalar.getValue();
        }
        typeError(node, "string");
        return null;
    }

    /** model.Duration: its YAML unmarshaler reads a string and parses it; null leaves it 0. */
    private long duration(Node node) {
        String text = string(node, null);
        if (text == null) {
            return 0;
        }
        try {
            return prometheusDuration(text);
        } catch (IllegalArgumentException e) {
            error("line " + position(node).line() + ": " + e.getMessage());
            return 0;
        }
    }

    /**
     * model.ParseDuration of prometheus/common v0.39 (Prometheus 2.42): {@link Durations#parse} accepts the same
     * syntax, but v0.39 words every syntax error alike.
     */
    static long prometheusDuration(String text) {
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty duration string");
        }
        try {
            return Durations.parse(text);
        } catch (IllegalArgumentException e) {
            if ("duration out of range".equals(e.getMessage())) {
                throw e;
            }
            throw new IllegalArgumentException("not a valid duration string: " + RuleChecks.quote(text));
        }
    }

    /** A Go int: a plain integer, or a float truncated toward zero, as yaml.v3 allows; a quoted number is a string. */
    private long integer(Node node) {
        count();
        if (isNull(node)) {
            return 0;
        }
        Object resolved = node instanceof ScalarNode scalar && !isString(scalar) ? resolve(scalar.getValue()) : null;
        if (resolved instanceof Long l) {
            return l;
        }
        // yaml.v3 accepts a float up to MaxInt64 as a float (2^63; NaN is refused) and converts it; Go's conversion of
        // -Inf or 2^63 gives -2^63, Java's saturates: either way a limit that limits nothing.
        if (resolved instanceof Double d && d <= 0x1p63) {
            return (long) (double) d;
        }
        typeError(node, "int");
        return 0;
    }

    private Map<String, String> stringMap(Node node) {
        Map<String, String> map = new LinkedHashMap<>();
        for (NodeTuple entry : mapEntries(node, "map[string]string")) {
            String key = key(entry);
            String value = key == null ? null : string(entry.getValueNode(), "");
            if (value != null) {
                map.put(key, value);
            }
        }
        return map;
    }

    private List<Node> sequence(Node node, String goType) {
        count();
        if (isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode seq) {
            return seq.getValue();
        }
        typeError(node, goType);
        return List.of();
    }

    // ---- mappings

    /** A struct's or a map's entries, after yaml.v3's check of duplicate keys and with merged maps ({@code <<}). */
    private List<NodeTuple> mapEntries(Node node, String goType) {
        count();
        if (isNull(node)) {
            return List.of();
        }
        if (!(node instanceof MappingNode mapping)) {
            typeError(node, goType);
            return List.of();
        }
        List<NodeTuple> entries = new ArrayList<>();
        return merged(mapping, entries, new HashSet<>(), new HashSet<>()) ? entries : List.of();
    }

    /**
     * Adds a mapping's entries whose keys are not in {@code seen}: its own first, then those of the maps it merges in
     * order (yaml.v3: an explicit key wins over a merged one, and the first merged map over the next). False when the
     * mapping repeats a key: yaml.v3 then decodes none of it.
     */
    private boolean merged(MappingNode mapping, List<NodeTuple> entries, Set<String> seen, Set<Node> merging) {
        if (!uniqueKeys(mapping)) {
            return false;
        }
        if (!merging.add(mapping)) {
            throw new RuleFileException(
                    List.of("yaml: line " + position(mapping).line() + ": a map merges itself"));
        }
        List<Node> merges = new ArrayList<>();
        for (NodeTuple entry : mapping.getValue()) {
            if (isMergeKey(entry.getKeyNode())) {
                merges.add(entry.getValueNode());
            } else if (seen.add(keyIdentity(entry.getKeyNode()))) {
                entries.add(entry);
            }
        }
        for (Node merge : merges) {
            List<Node> sources = merge instanceof SequenceNode seq ? seq.getValue() : List.of(merge);
            for (Node source : sources) {
                if (!(source instanceof MappingNode sourceMapping)) {
                    throw new RuleFileException(List.of("yaml: line "
                            + position(merge).line() + ": map merge requires map or sequence of maps as the value"));
                }
                merged(sourceMapping, entries, seen, merging);
            }
        }
        merging.remove(mapping);
        return true;
    }

    private boolean uniqueKeys(MappingNode mapping) {
        Map<String, Node> firsts = new LinkedHashMap<>();
        boolean unique = true;
        for (NodeTuple entry : mapping.getValue()) {
            count();
            Node key = entry.getKeyNode();
            // yaml.v3 compares the keys' kinds and texts: `a` and "a" are the same key, as are any two lists.
            Node first = firsts.putIfAbsent(key.getNodeId() + ":" + text(key), key);
            if (first != null) {
                error("line " + position(key).line() + ": mapping key " + RuleChecks.quote(text(key))
                        + " already defined at line " + position(first).line());
                unique = false;
            }
        }
        return unique;
    }

    /** A key decoded as a Go string; null when yaml.v3 skips it (a null key) or cannot decode it (a type error). */
    private String key(NodeTuple entry) {
        return string(entry.getKeyNode(), null);
    }

    private static String keyIdentity(Node key) {
        return isNull(key) ? "null" : key.getNodeId() + ":" + text(key);
    }

    private static boolean isMergeKey(Node key) {
        return key instanceof ScalarNode scalar
                && scalar.getValue().equals("<<")
                && (scalar.getTag().equals(Tag.MERGE) || scalar.getTag().equals(UNTAGGED) && scalar.isPlain());
    }

    private void unknownField(NodeTuple entry, String goType) {
        error("line " + position(entry.getKeyNode()).line() + ": field " + text(entry.getKeyNode())
                + " not found in type " + goType);
    }

    // ---- scalars as yaml.v3 resolves them

    private static boolean isNull(Node node) {
        if (!(node instanceof ScalarNode scalar)) {
            return false;
        }
        if (scalar.getTag().equals(Tag.NULL)) {
            return true;
        }
        return !isString(scalar) && scalar.getTag().equals(UNTAGGED) && NULLS.contains(scalar.getValue());
    }

    /** yaml.v3's indicatedString: an explicit !!str, or an untagged scalar that is quoted or a block. */
    private static boolean isString(ScalarNode scalar) {
        return scalar.getTag().equals(Tag.STR)
                || scalar.getTag().equals(UNTAGGED) && scalar.getScalarStyle() != ScalarStyle.PLAIN;
    }

    /**
     * yaml.v3's resolve for a plain scalar: null, a Boolean, a Long (a Go int), a BigInteger (a uint64 beyond int64), a
     * Double, or the text itself.
     */
    static Object resolve(String text) {
        if (NULLS.contains(text)) {
            return null;
        }
        if (BOOLS.contains(text)) {
            return text.charAt(0) == 't' || text.charAt(0) == 'T';
        }
        switch (text) {
            case ".nan", ".NaN", ".NAN" -> {
                return Double.NaN;
            }
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF" -> {
                return Double.POSITIVE_INFINITY;
            }
            case "-.inf", "-.Inf", "-.INF" -> {
                return Double.NEGATIVE_INFINITY;
            }
            default -> {
                // not a special value
            }
        }
        char first = text.charAt(0);
        if (first == '.' && YAML_FLOAT.matcher(text).matches()) {
            return Double.parseDouble(text);
        }
        if (!(first >= '0' && first <= '9' || first == '-' || first == '+')) {
            return text;
        }
        String plain = text.replace("_", "");
        if (GO_INT.matcher(plain).matches()) {
            BigInteger value = goParseInt(plain);
            if (value.bitLength() < 64) {
                return value.longValue();
            }
            if (value.signum() > 0 && value.bitLength() == 64) {
                return value; // a Go uint64: an integer, but no Go int holds it
            }
        }
        if (YAML_FLOAT.matcher(plain).matches()) {
            return Double.parseDouble(plain);
        }
        return text;
    }

    /** strconv.ParseInt(text, 0, 64)'s reading of a text GO_INT matches, without its range check. */
    private static BigInteger goParseInt(String text) {
        boolean negative = text.startsWith("-");
        String digits = negative || text.startsWith("+") ? text.substring(1) : text;
        int radix = 10;
        if (digits.length() > 1 && digits.charAt(0) == '0') {
            char base = Character.toLowerCase(digits.charAt(1));
            boolean prefixed = base == 'x' || base == 'o' || base == 'b';
            radix = base == 'x' ? 16 : base == 'b' ? 2 : 8; // a bare leading 0 is octal too
            digits = digits.substring(prefixed ? 2 : 1);
        }
        BigInteger value = new BigInteger(digits, radix);
        return negative ? value.negate() : value;
    }

    private void typeError(Node node, String goType) {
        String shown = "";
        if (node instanceof ScalarNode scalar) {
            String value = scalar.getValue();
            shown = " `" + (value.length() > 10 ? value.substring(0, 7) + "..." : value) + "`";
        }
        error("line " + position(node).line() + ": cannot unmarshal " + tagName(node) + shown + " into " + goType);
    }

    private static String tagName(Node node) {
        Tag tag = node.getTag();
        if (!tag.equals(UNTAGGED)) {
            return tag.getValue().startsWith(Tag.PREFIX)
                    ? "!!" + tag.getValue().substring(Tag.PREFIX.length())
                    : tag.getValue();
        }
        if (node instanceof SequenceNode) {
            return "!!seq";
        }
        if (node instanceof MappingNode) {
            return "!!map";
        }
        ScalarNode scalar = (ScalarNode) node;
        if (isString(scalar)) {
            return "!!str";
        }
        Object resolved = resolve(scalar.getValue());
        if (resolved instanceof Boolean) {
            return "!!bool";
        }
        if (resolved instanceof Long || resolved instanceof BigInteger) {
            return "!!int";
        }
        return resolved instanceof Double ? "!!float" : "!!str";
    }

    private static String text(Node node) {
        return node instanceof ScalarNode scalar ? scalar.getValue() : "";
    }

    private static Position position(Node node) {
        Mark mark = node.getStartMark();
        return mark == null ? new Position(0, 0) : new Position(mark.getLine() + 1, mark.getColumn() + 1);
    }

    private void error(String message) {
        errors.add(message);
        if (errors.size() == MAX_ERRORS) {
            errors.add("too many errors; the rest are not reported");
            throw new RuleFileException(errors);
        }
    }

    private void count() {
        if (++values > MAX_VALUES) {
            throw new RuleFileException(
                    List.of("a rule file may have at most " + MAX_VALUES + " values once its aliases are expanded"));
        }
    }
}
