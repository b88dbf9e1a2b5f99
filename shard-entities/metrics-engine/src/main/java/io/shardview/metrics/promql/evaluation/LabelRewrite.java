package io.shardview.metrics.promql.evaluation;

import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import io.shardview.metrics.index.Labels;
import java.util.List;

/** label_replace and label_join: a new value for one label of each sample, from others. */
abstract class LabelRewrite {
    abstract Labels apply(Labels labels);

    /**
     * label_replace: where {@code regex} (anchored, RE2) matches the source label's value, {@code dst} becomes the
     * replacement with {@code $1} or {@code ${name}} expanded as Go expands them; no match leaves the labels as they
     * were.
     */
    static LabelRewrite replace(String dst, String replacement, String src, String regex) {
        Pattern pattern;
        try {
            pattern = Pattern.compile("^(?:" + regex + ")$", Pattern.DOTALL);
        } catch (PatternSyntaxException e) {
            throw new QueryException("invalid regular expression in label_replace(): " + regex);
        }
        if (!Aggregation.validLabelName(dst)) {
            throw new QueryException("invalid destination label name in label_replace(): " + dst);
        }
        return new LabelRewrite() {
            @Override
            Labels apply(Labels labels) {
                String value = labels.get(src);
                com.google.re2j.Matcher m = pattern.matcher(value == null ? "" : value);
                if (!m.matches()) return labels;
                return labels.with(dst, expand(replacement, m));
            }
        };
    }

    /** label_join: {@code dst} becomes the values of the source labels joined by {@code separator}. */
    static LabelRewrite join(String dst, String separator, List<String> sources) {
        for (String src : sources) {
            if (!Aggregation.validLabelName(src)) {
                throw new QueryException("invalid source label name in label_join(): " + src);
            }
        }
        if (!Aggregation.validLabelName(dst)) {
            throw new QueryException("invalid destination label name in label_join(): " + dst);
        }
        return new LabelRewrite() {
            @Override
            Labels apply(Labels labels) {
                StringBuilder joined = new StringBuilder();
                for (int i = 0; i < sources.size(); i++) {
                    String value = labels.get(sources.get(i));
                    joined.append(i == 0 ? "" : separator).append(value == null ? "" : value);
                }
                return labels.with(dst, joined.toString());
            }
        };
    }

    /**
     * Go's Regexp.Expand: {@code $$} is a dollar; {@code $name} takes the longest run of letters, digits and
     * underscores, {@code ${name}} the braces' content; a number is a group index; an unknown group is empty.
     */
    static String expand(String template, com.google.re2j.Matcher m) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < template.length()) {
            char c = template.charAt(i);
            if (c != '$' || i + 1 >= template.length()) {
                out.append(c);
                i++;
                continue;
            }
            if (template.charAt(i + 1) == '$') {
                out.append('$');
                i += 2;
                continue;
            }
            String name;
            int next;
            if (template.charAt(i + 1) == '{') {
                int close = template.indexOf('}', i + 2);
                name = close < 0 ? null : template.substring(i + 2, close);
                next = close + 1;
                if (name != null && (name.isEmpty() || !isName(name))) name = null;
            } else {
                int j = i + 1;
                while (j < template.length() && isNameChar(template.charAt(j))) j++;
                name = j == i + 1 ? null : template.substring(i + 1, j);
                next = j;
            }
            if (name == null) { // not a reference: the dollar stands for itself
                out.append(c);
                i++;
                continue;
            }
            out.append(group(m, name));
            i = next;
        }
        return out.toString();
    }

    private static String group(com.google.re2j.Matcher m, String name) {
        String value;
        if (name.chars().allMatch(Character::isDigit)) {
            int index;
            try {
                index = Integer.parseInt(name);
            } catch (NumberFormatException e) {
                return "";
            }
            value = index <= m.groupCount() ? m.group(index) : null;
        } else {
            try {
                value = m.group(name);
            } catch (IllegalArgumentException e) {
                value = null;
            }
        }
        return value == null ? "" : value;
    }

    private static boolean isName(String s) {
        return s.chars().allMatch(ch -> isNameChar((char) ch));
    }

    private static boolean isNameChar(char c) {
        return Character.isLetterOrDigit(c) || c == '_';
    }
}
