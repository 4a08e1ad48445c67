package dev.runex.launcher.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.ConfigException;
import dev.runex.config.RunexConfig;
import dev.runex.config.ScheduleParser;
import dev.runex.gateway.kafka.Clients;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.topics.RunexTopics;
import dev.runex.topology.cron.ConfigSchedules;
import dev.runex.topology.cron.ScheduledJobs;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code runex schedule put|delete|list}: recurring schedules on the compacted schedules topic. */
@Command(
    name = "schedule",
    mixinStandardHelpOptions = true,
    description =
        "Manage recurring schedules at runtime (the schedules topic; those declared under runex.schedules "
            + "are managed by the config).",
    subcommands = {
      ScheduleCommand.Put.class,
      ScheduleCommand.Delete.class,
      ScheduleCommand.ListSchedules.class
    })
public final class ScheduleCommand {

  /** {@code runex schedule put NAME --cron ... --job JSON}. */
  @Command(
      name = "put",
      mixinStandardHelpOptions = true,
      description = "Create or replace a schedule.",
      footer = {
        "",
        "Example: ./runex schedule put nightly --cron '0 0 2 * * *' --zone Europe/Paris "
            + "--job '{\"type\":\"echo\",\"tenant\":\"demo\",\"params\":{\"message\":\"hi\"}}'"
      })
  static final class Put implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(
        index = "0",
        paramLabel = "NAME",
        description = "Schedule name; its jobs are <name>@<fire time>.")
    String name;

    @Option(names = "--cron", required = true, description = "6 fields (with seconds) or 5.")
    String cron;

    @Option(
        names = "--zone",
        defaultValue = "UTC",
        description = "Time zone of the cron fields (default ${DEFAULT-VALUE}).")
    String zone;

    @Option(
        names = "--job",
        required = true,
        paramLabel = "JSON",
        description =
            "The job template: type, tenant, params, labels, timeout, maxAttempts, partitionKey.")
    String job;

    @Option(
        names = "--overlap",
        defaultValue = "skip",
        description = "skip, allow or buffer (default ${DEFAULT-VALUE}).")
    String overlap;

    @Option(
        names = "--catch-up",
        defaultValue = "last",
        description = "last, none or all (default ${DEFAULT-VALUE}).")
    String catchUp;

    @Override
    public Integer call() throws IOException {
      RunexConfig cfg = config.load();
      ObjectNode block =
          AvroJson.MAPPER
              .createObjectNode()
              .put("cron", cron)
              .put("zone", zone)
              .put("overlap", overlap)
              .put("catchUp", catchUp);
      JsonNode template = AvroJson.MAPPER.readTree(job);
      block.set("job", template);
      Schedule schedule;
      try {
        schedule = ScheduledJobs.fromConfig(ScheduleParser.parse(name, block, cfg.jobTypes()));
      } catch (ConfigException e) {
        System.err.println(e.getMessage().replace("runex.schedules." + name + ".", "--"));
        return 2;
      }
      schedule.setOrigin("runtime");
      write(cfg, name, schedule);
      System.out.println("schedule " + name + " written: " + cron + " (" + zone + ")");
      return 0;
    }
  }

  /** {@code runex schedule delete NAME}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      description = "Delete a schedule (a tombstone).")
  static final class Delete implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() {
      write(config.load(), name, null);
      System.out.println("schedule " + name + " deleted");
      return 0;
    }
  }

  /** {@code runex schedule list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the schedules on the topic.")
  static final class ListSchedules implements Callable<Integer> {
    @Mixin ConfigOptions config;

    @Override
    public Integer call() {
      RunexConfig cfg = config.load();
      Map<String, Schedule> all = ConfigSchedules.current(cfg, topics(cfg));
      System.out.printf(
          "%-24s %-20s %-16s %-7s %-5s %-8s %s%n",
          "NAME", "CRON", "ZONE", "OVERLAP", "CATCH", "ORIGIN", "JOB");
      all.forEach(
          (name, s) ->
              System.out.printf(
                  "%-24s %-20s %-16s %-7s %-5s %-8s %s/%s%n",
                  name,
                  s.getCron(),
                  s.getZone(),
                  s.getOverlap(),
                  s.getCatchUp(),
                  s.getOrigin(),
                  s.getJob().getTenant(),
                  s.getJob().getType()));
      return 0;
    }
  }

  private static RunexTopics topics(RunexConfig cfg) {
    return cfg.topics();
  }

  private static void write(RunexConfig cfg, String name, Schedule schedule) {
    RunexTopics topics = topics(cfg);
    String topic = topics.schedules().name();
    byte[] value =
        schedule == null
            ? null
            : topics.schedules().valueSerde().serializer().serialize(topic, schedule);
    try (KafkaProducer<byte[], byte[]> producer = Clients.producer(cfg)) {
      producer
          .send(
              new ProducerRecord<>(
                  topic, name.getBytes(java.nio.charset.StandardCharsets.UTF_8), value))
          .get();
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot write to " + topic + " at " + cfg.bootstrapServers() + ": " + e, e);
    }
  }
}
