package io.kafkamlp.kafka;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A topic as kafka-mlp wants it created: name, partition count, replication factor and topic
 * configs. The declarations live in the repository folder {@code topics/}, one properties file per
 * topic, which the build puts on the classpath under {@link #RESOURCE_DIR}; {@link #load()} reads
 * them.
 *
 * <p>File format ({@code topics/README.md}): keys {@code name}, {@code partitions}, {@code
 * replication.factor}, and {@code config.<topic config>} for each topic config. Any other key is an
 * error.
 *
 * @param name the topic name
 * @param partitions the partition count at creation, at least 1
 * @param replicationFactor the replication factor at creation, at least 1 (see {@link
 *     #withReplicationFactorAtMost})
 * @param configs topic configs ({@code cleanup.policy} to {@code compact}, ...); unmodifiable,
 *     sorted by key
 */
public record TopicDeclaration(
    String name, int partitions, int replicationFactor, Map<String, String> configs) {

  /** Classpath folder of the declarations (the repository folder {@code topics/}). */
  public static final String RESOURCE_DIR = "topics/";

  /** Classpath resource naming the declaration files, one per line ({@code #} comments). */
  public static final String LIST_RESOURCE = RESOURCE_DIR + "topics.list";

  private static final String NAME = "name";
  private static final String PARTITIONS = "partitions";
  private static final String REPLICATION_FACTOR = "replication.factor";
  private static final String CONFIG_PREFIX = "config.";

  /** Validates and copies. */
  public TopicDeclaration {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("topic name missing");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(name + ": partitions must be at least 1: " + partitions);
    }
    if (replicationFactor < 1 || replicationFactor > Short.MAX_VALUE) {
      throw new IllegalArgumentException(
          name
              + ": replication.factor must be in [1, "
              + Short.MAX_VALUE
              + "]: "
              + replicationFactor);
    }
    configs = Collections.unmodifiableMap(new TreeMap<>(configs));
  }

  /** This declaration with the replication factor lowered to {@code brokers} if above it. */
  public TopicDeclaration withReplicationFactorAtMost(int brokers) {
    if (brokers < 1) {
      throw new IllegalArgumentException("brokers must be at least 1: " + brokers);
    }
    return replicationFactor <= brokers
        ? this
        : new TopicDeclaration(name, partitions, brokers, configs);
  }

  /** This declaration with topic config {@code key} set to {@code value} (added or replaced). */
  public TopicDeclaration withConfig(String key, String value) {
    Map<String, String> changed = new TreeMap<>(configs);
    changed.put(key, value);
    return new TopicDeclaration(name, partitions, replicationFactor, changed);
  }

  /** The Admin API's request to create this topic. */
  public NewTopic toNewTopic() {
    return new NewTopic(name, partitions, (short) replicationFactor).configs(configs);
  }

  /**
   * The declarations listed in {@link #LIST_RESOURCE}, in its order (samples, predictions,
   * samples-dlq, model-snapshots).
   *
   * @throws IllegalStateException if a resource is missing
   * @throws IllegalArgumentException if a declaration is invalid or a name repeats
   */
  public static List<TopicDeclaration> load() {
    return load(TopicDeclaration.class.getClassLoader());
  }

  /** {@link #load()} from the given class loader. */
  static List<TopicDeclaration> load(ClassLoader loader) {
    List<TopicDeclaration> declarations = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (String file : listedFiles(loader)) {
      TopicDeclaration declaration = parse(RESOURCE_DIR + file, read(loader, RESOURCE_DIR + file));
      if (!names.add(declaration.name())) {
        throw new IllegalArgumentException(
            RESOURCE_DIR + file + ": topic " + declaration.name() + " declared twice");
      }
      declarations.add(declaration);
    }
    return List.copyOf(declarations);
  }

  /**
   * One declaration from the keys of one file.
   *
   * @param source where the properties came from, for messages
   * @throws IllegalArgumentException on a missing, malformed or unknown key
   */
  static TopicDeclaration parse(String source, Properties properties) {
    Map<String, String> configs = new TreeMap<>();
    for (String key : properties.stringPropertyNames()) {
      String value = properties.getProperty(key).strip();
      if (key.startsWith(CONFIG_PREFIX) && key.length() > CONFIG_PREFIX.length()) {
        configs.put(key.substring(CONFIG_PREFIX.length()), value);
      } else if (!key.equals(NAME) && !key.equals(PARTITIONS) && !key.equals(REPLICATION_FACTOR)) {
        throw new IllegalArgumentException(
            source
                + ": unknown key "
                + key
                + " (expected name, partitions, replication.factor, config.<topic config>)");
      }
    }
    try {
      return new TopicDeclaration(
          required(source, properties, NAME),
          integer(source, properties, PARTITIONS),
          integer(source, properties, REPLICATION_FACTOR),
          configs);
    } catch (IllegalArgumentException e) {
      if (e.getMessage().startsWith(source)) {
        throw e;
      }
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  private static String required(String source, Properties properties, String key) {
    String value = properties.getProperty(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(source + ": " + key + " missing");
    }
    return value.strip();
  }

  private static int integer(String source, Properties properties, String key) {
    String value = required(source, properties, key);
    try {
      return Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(source + ": " + key + " is not an integer: " + value, e);
    }
  }

  private static List<String> listedFiles(ClassLoader loader) {
    List<String> files = new ArrayList<>();
    try (BufferedReader reader = new BufferedReader(open(loader, LIST_RESOURCE))) {
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        String file = line.strip();
        if (!file.isEmpty() && !file.startsWith("#")) {
          files.add(file);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + LIST_RESOURCE, e);
    }
    return files;
  }

  private static Properties read(ClassLoader loader, String resource) {
    Properties properties = new Properties();
    try (Reader reader = open(loader, resource)) {
      properties.load(reader);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
    return properties;
  }

  private static Reader open(ClassLoader loader, String resource) {
    InputStream in = loader.getResourceAsStream(resource);
    if (in == null) {
      throw new IllegalStateException("classpath resource " + resource + " missing");
    }
    return new InputStreamReader(in, StandardCharsets.UTF_8);
  }
}
