package io.kafkamlp.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster in this JVM: one KRaft process that is both broker and
 * controller, from the Apache Kafka server artifacts, as {@code kafka-storage format} followed by
 * {@code kafka-server-start} would run it.
 *
 * <p>Clients reach it at {@link #bootstrapServers()} ({@code 127.0.0.1:<port>}), PLAINTEXT unless
 * started with another {@link SecurityProtocol} for that listener, which the broker also uses to
 * reach itself (inter-broker traffic: transaction markers). The controller listens on another free
 * port of 127.0.0.1, PLAINTEXT, that clients never need. Internal topics (consumer offsets,
 * transaction state, share-group state) have replication factor 1, min ISR 1 and 5 partitions, so
 * consumer groups and transactions (Kafka Streams {@code exactly_once_v2}) work on the one node.
 * Topics are never created automatically ({@code auto.create.topics.enable=false}): create them
 * with {@link Topics}.
 *
 * <p>The data directory holds the whole node (log segments and the metadata log). It is formatted
 * on first use and reused as it is afterwards, so topics, records and committed offsets survive a
 * restart on the same directory, whatever the ports. One directory serves one broker at a time.
 *
 * <p>{@link #start} returns once the broker is ready (registered and unfenced); {@link #close}
 * shuts it down cleanly and waits. These are Kafka's internal server APIs ({@code KafkaRaftServer},
 * {@code Formatter}): they may change in small ways between Kafka minor versions.
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** The address every listener binds to and advertises. */
  public static final String HOST = "127.0.0.1";

  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  private static final int NODE_ID = 1;
  private static final String CONTROLLER_LISTENER = "CONTROLLER";
  private static final String META_PROPERTIES = "meta.properties";

  private final KafkaRaftServer server;
  private final int port;
  private final SecurityProtocol protocol;
  private final Path dataDir;
  private final boolean temporary;
  private final long startupMillis;
  private final AtomicBoolean closed = new AtomicBoolean();

  private EmbeddedKafka(
      KafkaRaftServer server,
      int port,
      SecurityProtocol protocol,
      Path dataDir,
      boolean temporary,
      long startupMillis) {
    this.server = server;
    this.port = port;
    this.protocol = protocol;
    this.dataDir = dataDir;
    this.temporary = temporary;
    this.startupMillis = startupMillis;
  }

  /**
   * Starts a broker and returns when it is ready.
   *
   * @param port the clients' port on 127.0.0.1; 0 picks a free one
   * @param dataDir the node's data directory, created and formatted if needed and reused if already
   *     formatted; {@code null} for a temporary directory deleted by {@link #close}
   * @throws UncheckedIOException if the data directory cannot be created or formatted
   * @throws RuntimeException as thrown by Kafka when the broker cannot start (port in use, a data
   *     directory of another node); nothing is left running then
   */
  public static EmbeddedKafka start(int port, Path dataDir) {
    return start(port, dataDir, Map.of());
  }

  /**
   * Starts a broker with extra or overriding broker configs and returns when it is ready; see
   * {@link #start(int, Path)}. Give the same overrides on every start of one data directory: some
   * keys, {@code offsets.topic.num.partitions} (5 here) first, must never change once data exists.
   */
  public static EmbeddedKafka start(int port, Path dataDir, Map<String, String> overrides) {
    return start(port, dataDir, SecurityProtocol.PLAINTEXT, overrides);
  }

  /**
   * Starts a broker whose client listener speaks {@code protocol}; see {@link #start(int, Path,
   * Map)}. The listener is named after the protocol ({@code SASL_PLAINTEXT}, ...), so its settings
   * go in {@code overrides} under {@code listener.name.<protocol in lower case>.}; for SASL/PLAIN:
   * {@code sasl.enabled.mechanisms=PLAIN}, {@code sasl.mechanism.inter.broker.protocol=PLAIN} and
   * {@code listener.name.sasl_plaintext.plain.sasl.jaas.config} with the broker's own {@code
   * username} and {@code password} and a {@code user_<name>="<password>"} entry per user, the
   * broker's own included.
   */
  public static EmbeddedKafka start(
      int port, Path dataDir, SecurityProtocol protocol, Map<String, String> overrides) {
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535]: " + port);
    }
    long begin = System.nanoTime();
    boolean temporary = dataDir == null;
    Path dir = temporary ? createTempDir() : createDir(dataDir);
    try {
      int brokerPort = port == 0 ? freePort(-1) : port;
      int controllerPort = freePort(brokerPort);
      Map<String, String> props =
          new LinkedHashMap<>(config(dir, brokerPort, controllerPort, protocol));
      props.putAll(overrides);
      KafkaConfig config = new KafkaConfig(props, false);
      if (!isFormatted(dir)) {
        format(dir);
      }
      KafkaRaftServer server = new KafkaRaftServer(config, Time.SYSTEM);
      try {
        server.startup();
      } catch (RuntimeException e) {
        stop(server, e);
        throw e;
      }
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
      log.debug("Kafka broker ready on {}:{} in {} ms (data {})", HOST, brokerPort, millis, dir);
      return new EmbeddedKafka(server, brokerPort, protocol, dir, temporary, millis);
    } catch (RuntimeException e) {
      if (temporary) {
        deleteRecursively(dir, e);
      }
      throw e;
    }
  }

  /** {@code 127.0.0.1:<port>}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + port;
  }

  /** The security protocol of the clients' listener. */
  public SecurityProtocol securityProtocol() {
    return protocol;
  }

  /** The clients' port (the picked one when started with port 0). */
  public int port() {
    return port;
  }

  /** The node's data directory (absolute; the temporary one when started without one). */
  public Path dataDir() {
    return dataDir;
  }

  /** Milliseconds {@link #start} took, to the broker being ready. */
  public long startupMillis() {
    return startupMillis;
  }

  /**
   * Shuts the broker down and waits until it has stopped; then deletes the data directory if it was
   * a temporary one. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long begin = System.nanoTime();
    RuntimeException failure = new RuntimeException("closing the embedded Kafka broker failed");
    stop(server, failure);
    if (temporary) {
      deleteRecursively(dataDir, failure);
    }
    log.debug(
        "Kafka broker on {} stopped in {} ms",
        bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin));
    if (failure.getSuppressed().length > 0) {
      throw failure;
    }
  }

  /** The single-node configuration; see the class comment for why each key is set. */
  private static Map<String, String> config(
      Path dir, int brokerPort, int controllerPort, SecurityProtocol protocol) {
    String brokerListener = protocol.name;
    Map<String, String> c = new LinkedHashMap<>();
    c.put("process.roles", "broker,controller");
    c.put("node.id", Integer.toString(NODE_ID));
    // Static quorum of this one node (kraft.version 0): voters come from the config, not the
    // metadata log, so a restart with a different controller port is fine.
    c.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + controllerPort);
    c.put(
        "listeners",
        brokerListener
            + "://"
            + HOST
            + ":"
            + brokerPort
            + ","
            + CONTROLLER_LISTENER
            + "://"
            + HOST
            + ":"
            + controllerPort);
    c.put("advertised.listeners", brokerListener + "://" + HOST + ":" + brokerPort);
    c.put("controller.listener.names", CONTROLLER_LISTENER);
    c.put("inter.broker.listener.name", brokerListener);
    c.put(
        "listener.security.protocol.map",
        brokerListener + ":" + protocol.name + "," + CONTROLLER_LISTENER + ":PLAINTEXT");
    c.put("log.dirs", dir.toString());
    c.put("auto.create.topics.enable", "false");
    // The defaults (3 replicas, min ISR 2) never create these internal topics on one node:
    // consumer groups and transactions would silently not work.
    c.put("offsets.topic.replication.factor", "1");
    c.put("transaction.state.log.replication.factor", "1");
    c.put("transaction.state.log.min.isr", "1");
    c.put("share.coordinator.state.topic.replication.factor", "1");
    c.put("share.coordinator.state.topic.min.isr", "1");
    c.put("default.replication.factor", "1");
    c.put("min.insync.replicas", "1");
    // 5 partitions instead of 50 each: on one node they only spread coordinator load over one
    // broker, and every restart loads every one of them.
    c.put("offsets.topic.num.partitions", "5");
    c.put("transaction.state.log.num.partitions", "5");
    c.put("share.coordinator.state.topic.num.partitions", "5");
    // A single consumer does not need to wait for others to join (default 3 s).
    c.put("group.initial.rebalance.delay.ms", "0");
    // The log cleaner (compacted topics: offsets, model-snapshots) allocates its dedupe buffer on
    // the heap at start: 16 MiB (room for ~700k keys) instead of the default 128 MiB.
    c.put("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024));
    return c;
  }

  private static boolean isFormatted(Path dir) {
    return Files.isRegularFile(dir.resolve(META_PROPERTIES));
  }

  /** What {@code kafka-storage format} does, with a fresh random cluster id. */
  private static void format(Path dir) {
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    try (PrintStream printStream = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      new Formatter()
          .setPrintStream(printStream)
          .setNodeId(NODE_ID)
          .setClusterId(Uuid.randomUuid().toString())
          .setDirectories(List.of(dir.toString()))
          .setMetadataLogDirectory(dir.toString())
          .setControllerListenerName(CONTROLLER_LISTENER)
          .setReleaseVersion(MetadataVersion.latestProduction())
          .setWriteBootstrapSnapshot(true)
          .run();
    } catch (Exception e) {
      throw new UncheckedIOException(
          new IOException("cannot format Kafka data directory " + dir + ": " + e.getMessage(), e));
    }
    log.debug("Formatted {}: {}", dir, output.toString(StandardCharsets.UTF_8).strip());
  }

  /** Shuts the server down and waits; failures are added to {@code failure} as suppressed. */
  private static void stop(KafkaRaftServer server, RuntimeException failure) {
    try {
      server.shutdown();
      server.awaitShutdown();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
  }

  /**
   * A port of 127.0.0.1 that is free now and is not {@code other}. Another process may take it
   * before the broker binds it; the broker then fails to start, loudly.
   */
  private static int freePort(int other) {
    for (int attempt = 0; attempt < 10; attempt++) {
      try (ServerSocket socket = new ServerSocket()) {
        socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
        int port = socket.getLocalPort();
        if (port != other) {
          return port;
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot find a free port on " + HOST, e);
      }
    }
    throw new IllegalStateException("cannot find a free port on " + HOST);
  }

  private static Path createTempDir() {
    try {
      return Files.createTempDirectory("kafka-mlp-broker-").toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a temporary Kafka data directory", e);
    }
  }

  private static Path createDir(Path dir) {
    try {
      return Files.createDirectories(dir).toAbsolutePath();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create Kafka data directory " + dir, e);
    }
  }

  private static void deleteRecursively(Path dir, RuntimeException failure) {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(path);
      }
    } catch (IOException | UncheckedIOException e) {
      failure.addSuppressed(e);
    }
  }
}
