package io.kafkamlp.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads sample values out of the Prometheus text exposition format, as {@code GET /metrics} serves
 * it: {@code name{label="value",...} 1.5E7} per line, {@code #} lines being comments.
 */
public final class PrometheusText {

  private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private PrometheusText() {}

  /**
   * The sum of the samples of metric {@code name} whose labels include every entry of {@code
   * labels} (an empty map matches every sample of the metric).
   *
   * @return the sum, or NaN when no sample matches
   */
  public static double sum(String text, String name, Map<String, String> labels) {
    double sum = 0;
    boolean found = false;
    for (String line : text.split("\n")) {
      if (line.isEmpty() || line.charAt(0) == '#' || !line.startsWith(name)) {
        continue;
      }
      int end = name.length();
      if (end == line.length() || (line.charAt(end) != '{' && line.charAt(end) != ' ')) {
        continue; // another metric whose name starts with this one
      }
      int close = line.charAt(end) == '{' ? line.lastIndexOf('}') : end;
      if (close < 0 || !matches(line.substring(end, close), labels)) {
        continue;
      }
      String[] rest = line.substring(line.charAt(end) == '{' ? close + 1 : end).trim().split(" ");
      sum += Double.parseDouble(rest[0]);
      found = true;
    }
    return found ? sum : Double.NaN;
  }

  private static boolean matches(String labelText, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    Map<String, String> have = new HashMap<>();
    Matcher m = LABEL.matcher(labelText);
    while (m.find()) {
      have.put(m.group(1), m.group(2));
    }
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(have.get(e.getKey())));
  }
}
