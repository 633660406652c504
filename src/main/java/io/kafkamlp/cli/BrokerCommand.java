package io.kafkamlp.cli;

import io.kafkamlp.kafka.EmbeddedKafka;
import io.kafkamlp.kafka.TopicDeclaration;
import io.kafkamlp.kafka.Topics;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kafka-mlp broker}: the embedded single-node Kafka broker with kafka-mlp's topics, until
 * the process is stopped.
 */
@Command(
    name = "broker",
    mixinStandardHelpOptions = true,
    description =
        "Starts a real single-node Kafka broker (KRaft, in this process) on 127.0.0.1, creates"
            + " the declared topics (samples, predictions, samples-dlq, model-snapshots) if"
            + " missing, prints 'broker ready on HOST:PORT (data DIR)' and runs until stopped"
            + " (Ctrl-C, SIGTERM), then shuts the broker down cleanly.")
final class BrokerCommand implements Callable<Integer> {

  private static final Duration TOPICS_TIMEOUT = Duration.ofSeconds(30);

  @Spec CommandSpec commandSpec;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "9092",
      description =
          "Port of the broker on 127.0.0.1; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description =
          "Data directory of the broker: formatted on first use, reused as it is afterwards, so"
              + " topics and records survive a restart (default: a temporary directory deleted"
              + " on exit).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    PrintWriter out = commandSpec.commandLine().getOut();
    PrintWriter err = commandSpec.commandLine().getErr();
    EmbeddedKafka broker;
    try {
      broker = EmbeddedKafka.start(port, dataDir);
    } catch (RuntimeException e) {
      err.println("broker: cannot start the Kafka broker: " + causes(e));
      err.flush();
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              try {
                broker.close();
              } finally {
                stopped.countDown();
              }
            },
            "kafka-mlp-broker-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      Topics.createMissingCappedToBrokers(admin, TopicDeclaration.load(), TOPICS_TIMEOUT);
    } catch (RuntimeException e) {
      err.println("broker: cannot create the topics: " + causes(e));
      err.flush();
      Runtime.getRuntime().removeShutdownHook(hook);
      broker.close();
      return 1;
    }
    out.printf("broker ready on %s (data %s)%n", broker.bootstrapServers(), broker.dataDir());
    out.flush();
    stopped.await();
    return 0;
  }

  /**
   * The messages of {@code e} and its causes, joined: Kafka's top-level message ("Received a fatal
   * error while waiting for all of the SocketServer Acceptors to be started") often names the real
   * reason ("Address already in use") only in a cause.
   */
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      String message = cause.getMessage();
      if (message != null && text.indexOf(message) < 0) {
        text.append("; caused by: ").append(message);
      }
    }
    return text.toString();
  }
}
