package io.shardview.node;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for tests: every line
 * must be a HELP, TYPE or other comment, or a well-formed sample of a declared family.
 */
final class PrometheusText {
  /** One sample line. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
  private static final Pattern TYPE = Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped|info|stateset|gaugehistogram|unknown)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern SAMPLE = Pattern.compile("(" + NAME + ")(\\{(.*)\\})? (\\S+)( -?\\d+)?");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\[\\\\\"n])*)\",?");

  private PrometheusText() {}

  /** Parses the whole text or throws naming the first bad line. */
  static List<Sample> parse(String text) {
    Map<String, String> types = new HashMap<>();
    List<Sample> samples = new ArrayList<>();
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i];
      if (line.isEmpty()) {
        if (i != lines.length - 1) throw bad(i, line, "empty line inside the exposition");
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (types.put(type.group(1), type.group(2)) != null) throw bad(i, line, "second TYPE for a family");
        continue;
      }
      if (HELP.matcher(line).matches() || line.startsWith("#")) continue;
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) throw bad(i, line, "not a sample");
      String name = sample.group(1);
      if (types.keySet().stream().noneMatch(family -> name.equals(family) || name.startsWith(family + "_"))) {
        throw bad(i, line, "sample of an undeclared family");
      }
      samples.add(new Sample(name, labels(i, line, sample.group(3)), value(i, line, sample.group(4))));
    }
    return samples;
  }

  private static Map<String, String> labels(int i, String line, String text) {
    Map<String, String> labels = new LinkedHashMap<>();
    if (text == null) return labels;
    Matcher m = LABEL.matcher(text);
    int end = 0;
    while (m.lookingAt()) {
      labels.put(m.group(1), m.group(2));
      end = m.end();
      m.region(end, text.length());
    }
    if (end != text.length()) throw bad(i, line, "malformed labels");
    return labels;
  }

  private static double value(int i, String line, String text) {
    switch (text) {
      case "+Inf": return Double.POSITIVE_INFINITY;
      case "-Inf": return Double.NEGATIVE_INFINITY;
      case "NaN": return Double.NaN;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw bad(i, line, "bad value");
        }
    }
  }

  private static IllegalArgumentException bad(int index, String line, String why) {
    return new IllegalArgumentException("line " + (index + 1) + ": " + why + ": " + line);
  }
}
