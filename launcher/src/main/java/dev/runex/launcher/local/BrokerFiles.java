package dev.runex.launcher.local;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The files of one local broker under its data folder: {@code server.properties} for a single-node
 * KRaft broker+controller on loopback, a log4j2 config, the log folder and the logs. Every property
 * here was needed in practice; the comments say what goes wrong without it.
 */
record BrokerFiles(Path dataDir) {

  Path serverProperties() {
    return dataDir.resolve("server.properties");
  }

  Path log4jProperties() {
    return dataDir.resolve("log4j2.properties");
  }

  /** Kafka's {@code log.dirs}: partitions and the KRaft metadata log. */
  Path logDirs() {
    return dataDir.resolve("data");
  }

  /** Written by the storage formatter; its presence means the folder was formatted before. */
  Path metaProperties() {
    return logDirs().resolve("meta.properties");
  }

  /** The broker's stdout and stderr (and the formatter's output). */
  Path processLog() {
    return dataDir.resolve("broker.log");
  }

  /** Kafka's own WARN and ERROR log lines (log4j2). */
  Path kafkaLog() {
    return dataDir.resolve("kafka-warn.log");
  }

  /**
   * Writes both config files for these ports (overwriting older ones: ports may change between
   * runs).
   */
  void write(int port, int controllerPort) {
    write(port, controllerPort, Map.of());
  }

  /** As {@link #write(int, int)}, with {@code overrides} replacing or adding server settings. */
  void write(int port, int controllerPort, Map<String, String> overrides) {
    Map<String, String> server = serverConfig(port, controllerPort);
    server.putAll(overrides);
    try {
      Files.createDirectories(logDirs());
      Files.writeString(serverProperties(), render(server), StandardCharsets.UTF_8);
      Files.writeString(log4jProperties(), render(log4jConfig()), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the broker config under " + dataDir, e);
    }
  }

  Map<String, String> serverConfig(int port, int controllerPort) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    // Dynamic quorum (formatted with --standalone), so the voter set lives in the metadata log.
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put(
        "listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDirs().toString());
    // One broker: the internal topics default to replication 3 / min.isr 2, and then transactions
    // and consumer groups hang silently (a WARN only) while topic creation still works.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    // 50 partitions each by default: creating them makes the first group/transaction slow.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.num.partitions", "5");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Topics come from the runtime's provisioner with their configured partitions, never by
    // accident.
    p.put("auto.create.topics.enable", "false");
    // A killed worker's open transaction is aborted soon after its timeout, not up to 10 s later.
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "2000");
    return p;
  }

  Map<String, String> log4jConfig() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("status", "warn");
    p.put("appender.file.type", "File");
    p.put("appender.file.name", "file");
    p.put("appender.file.fileName", kafkaLog().toString());
    p.put("appender.file.layout.type", "PatternLayout");
    p.put("appender.file.layout.pattern", "[%d] %p %m (%c)%n");
    p.put("rootLogger.level", "WARN");
    p.put("rootLogger.appenderRef.file.ref", "file");
    return p;
  }

  private static String render(Map<String, String> properties) {
    // Backslashes are escapes in .properties files; paths here are POSIX, but stay safe.
    return properties.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
        .collect(Collectors.joining("\n", "# written by runex on every start\n", "\n"));
  }
}
