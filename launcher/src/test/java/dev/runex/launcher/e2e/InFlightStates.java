package dev.runex.launcher.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.runex.config.ConfigLoader;
import dev.runex.config.CronExpression;
import dev.runex.config.RunexConfig;
import dev.runex.config.ScheduleSpec;
import dev.runex.config.Settings;
import dev.runex.gateway.kafka.Clients;
import dev.runex.launcher.e2e.InFlightState.Run;
import dev.runex.schemas.ControlAction;
import dev.runex.schemas.JobEvent;
import dev.runex.schemas.JobEventKind;
import dev.runex.schemas.JobResult;
import dev.runex.schemas.JobStatus;
import dev.runex.schemas.Schedule;
import dev.runex.schemas.ScheduleCatchUp;
import dev.runex.schemas.ScheduleOverlap;
import dev.runex.schemas.control.ControlTargets;
import dev.runex.schemas.topics.Topic;
import dev.runex.topology.cron.ScheduledJobs;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The kinds of state {@link TopologyRestartIT} carries across the restart, one {@link
 * InFlightState} each. Job ids are distinct per kind (a prefix each), so kinds never see each
 * other's jobs.
 */
final class InFlightStates {
  private static final List<String> PLAIN_HISTORY =
      List.of("RECEIVED", "VALIDATED", "SCHEDULED", "STARTED", "SUCCEEDED");

  private InFlightStates() {}

  private static List<String> ids(String prefix, int from, int to) {
    return IntStream.rangeClosed(from, to).mapToObj(i -> prefix + i).toList();
  }

  /**
   * Jobs finished before the restart: the restarted status store still answers for them, with
   * history, and lists them under their tenant (the tenant index is rebuilt from the restored
   * statuses, it has no changelog).
   */
  static final class FinishedJobStatus implements InFlightState {
    private static final List<String> IDS = ids("done-", 1, 3);
    private static final String TENANT = "finished-before";

    @Override
    public void start(Run run) {
      IDS.forEach(id -> run.submit(id, TENANT, null));
      run.awaitResults(IDS);
      // folded by the first status application, so the second can only know them from its changelog
      IDS.forEach(
          id ->
              assertThat(Run.history(run.awaitStatus(id, "SUCCEEDED")))
                  .as("history of %s", id)
                  .containsExactlyElementsOf(PLAIN_HISTORY));
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return IDS;
    }

    @Override
    public void verify(Run run) {
      for (String id : IDS) {
        assertThat(run.result(id).getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
        var status = run.awaitStatus(id, "SUCCEEDED");
        assertThat(Run.history(status))
            .as("history of %s after the restart", id)
            .containsExactlyElementsOf(PLAIN_HISTORY);
        assertThat(status.path("finishedAt").isTextual()).as("finishedAt of %s", id).isTrue();
      }
      run.awaitTenantListing(TENANT, IDS);
    }
  }

  /**
   * Idempotency keys: originals run before the restart; the same keys submitted after it are
   * DUPLICATEs, and the very same job re-sent is dropped — the dedupe store came back. One more key
   * is in flight at the stop. Every submission of a key uses the key as its intake record key, so
   * they reach the dedupe stage in submission order.
   */
  static final class IdempotentSubmissions implements InFlightState {
    private static final int KEYS = 3;

    private static String key(int i) {
      return "order-" + i;
    }

    private static void submit(Run run, String id, String key) {
      run.submit(key, id, "note", "demo", "\"idempotencyKey\":\"" + key + "\"");
    }

    @Override
    public void start(Run run) {
      IntStream.range(0, KEYS).forEach(i -> submit(run, "idem-" + i, key(i)));
      run.awaitResults(ids("idem-", 0, KEYS - 1));
    }

    @Override
    public void justBeforeRestart(Run run) {
      submit(run, "idem-late", "order-late");
    }

    @Override
    public void afterRestart(Run run) {
      submit(run, "idem-0", key(0)); // the very same job again: dropped without a result
      IntStream.range(0, KEYS).forEach(i -> submit(run, "idem-" + i + "-again", key(i)));
      submit(run, "idem-late-again", "order-late");
    }

    @Override
    public Collection<String> jobIds(Run run) {
      List<String> all = new ArrayList<>(ids("idem-", 0, KEYS - 1));
      IntStream.range(0, KEYS).forEach(i -> all.add("idem-" + i + "-again"));
      all.addAll(List.of("idem-late", "idem-late-again"));
      return all;
    }

    @Override
    public void verify(Run run) {
      for (int i = 0; i < KEYS; i++) {
        assertThat(run.result("idem-" + i).getStatus()).isEqualTo(JobStatus.SUCCEEDED);
        assertDuplicate(run.result("idem-" + i + "-again"), "idem-" + i);
      }
      assertThat(run.events("idem-0", JobEventKind.RECEIVED))
          .as("idem-0 re-sent after the restart is dropped")
          .hasSize(1);
      assertThat(run.result("idem-late").getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertDuplicate(run.result("idem-late-again"), "idem-late");
    }

    private static void assertDuplicate(JobResult r, String original) {
      assertThat(r.getStatus()).as(r.getId()).isEqualTo(JobStatus.REJECTED);
      assertThat(r.getError().getCode()).as(r.getId()).isEqualTo("DUPLICATE");
      assertThat(r.getDuplicateOf()).as(r.getId()).isEqualTo(original);
    }
  }

  /**
   * A runtime schedule firing every second (overlap ALLOW, catch-up ALL: every firing must happen)
   * across the restart: no firing is written to intake twice, none is missing, and it keeps firing
   * after the restart. Deleted at the end so the run can settle.
   */
  static final class CronSchedule implements InFlightState {
    private static final String NAME = "tick";
    private static final String PREFIX = NAME + "@";

    @Override
    public void start(Run run) {
      ScheduleSpec spec =
          new ScheduleSpec(
              NAME,
              CronExpression.parse("* * * * * *"),
              ZoneId.of("UTC"),
              new ScheduleSpec.Job("note", "demo", Map.of(), Map.of(), null, null, null),
              ScheduleOverlap.ALLOW,
              ScheduleCatchUp.ALL);
      Schedule schedule = ScheduledJobs.fromConfig(spec);
      schedule.setOrigin("runtime");
      write(run, schedule);
      await(NAME + " fires")
          .atMost(TopologyRestartIT.WAIT)
          .until(() -> firedWithResults(run, Instant.EPOCH) >= 2);
    }

    @Override
    public void afterRestart(Run run) {
      await(NAME + " fires after the restart")
          .atMost(TopologyRestartIT.WAIT)
          .until(() -> firedWithResults(run, run.stoppedAt) >= 3);
      write(run, null);
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return run.intakeRecordsByKey().keySet().stream().filter(k -> k.startsWith(PREFIX)).toList();
    }

    @Override
    public void verify(Run run) {
      Map<String, Integer> written = run.intakeRecordsByKey();
      List<Instant> fireTimes =
          written.keySet().stream()
              .filter(k -> k.startsWith(PREFIX))
              .map(k -> Instant.parse(k.substring(PREFIX.length())))
              .sorted()
              .toList();
      assertThat(fireTimes).as("firings").hasSizeGreaterThanOrEqualTo(5);
      assertThat(fireTimes.get(fireTimes.size() - 1))
          .as("fired after the restart")
          .isAfter(run.stoppedAt);
      for (int i = 0; i < fireTimes.size(); i++) {
        String id = PREFIX + fireTimes.get(i);
        assertThat(written.get(id)).as("intake records of firing %s", id).isEqualTo(1);
        assertThat(fireTimes.get(i))
            .as("firing %d of %s: none missing", i, fireTimes)
            .isEqualTo(fireTimes.get(0).plusSeconds(i));
        JobResult r = run.result(id);
        assertThat(r.getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
        assertThat(r.getLabels())
            .containsEntry(ScheduledJobs.FIRE_TIME_LABEL, fireTimes.get(i).toString());
      }
    }

    /** Firings after {@code since} whose job has its result. */
    private static long firedWithResults(Run run, Instant since) {
      return run.collector.results.keySet().stream()
          .filter(k -> k.startsWith(PREFIX))
          .filter(k -> Instant.parse(k.substring(PREFIX.length())).isAfter(since))
          .count();
    }

    /** As {@code runex schedule put|delete} writes it: Avro, keyed by name; null deletes. */
    private static void write(Run run, Schedule schedule) {
      Topic<String, Schedule> topic = run.topics.schedules();
      byte[] value =
          schedule == null
              ? null
              : topic.valueSerde().serializer().serialize(topic.name(), schedule);
      try (KafkaProducer<byte[], byte[]> producer = Clients.producer(run.cfg)) {
        producer
            .send(new ProducerRecord<>(topic.name(), NAME.getBytes(StandardCharsets.UTF_8), value))
            .get();
      } catch (Exception e) {
        throw new IllegalStateException("cannot write schedule " + NAME, e);
      }
    }
  }

  /**
   * A paused tenant: its jobs, submitted before the restart and while down, are held (by the first
   * worker, then by the second) and start only once resumed after the restart; one of them,
   * cancelled while down, is cancelled by the second worker without ever starting.
   */
  static final class PausedTenant implements InFlightState {
    private static final String TENANT = "acme";
    private static final List<String> BEFORE = ids("held-", 1, 4);
    private static final List<String> WHILE_DOWN = ids("held-", 5, 6);
    private static final String CANCELLED = "held-cancelled";
    private Instant resumedAt;

    @Override
    public void start(Run run) throws Exception {
      run.control(ControlTargets.tenant(TENANT), ControlAction.PAUSE, "restart test");
      BEFORE.forEach(id -> run.submit(id, TENANT, null));
      run.submit(CANCELLED, TENANT, null);
      List<String> held = new ArrayList<>(BEFORE);
      held.add(CANCELLED);
      run.awaitEvents(held, JobEventKind.SCHEDULED); // on the pool topic: the worker holds them
    }

    @Override
    public void whileDown(Run run) throws Exception {
      WHILE_DOWN.forEach(id -> run.submit(id, TENANT, null));
      run.control(ControlTargets.job(CANCELLED), ControlAction.CANCEL, "held and cancelled");
    }

    @Override
    public void afterRestart(Run run) throws Exception {
      run.awaitEvents(WHILE_DOWN, JobEventKind.SCHEDULED);
      run.awaitResults(List.of(CANCELLED)); // cancelled while its tenant is still paused
      resumedAt = Instant.now().truncatedTo(ChronoUnit.MILLIS);
      run.control(ControlTargets.tenant(TENANT), ControlAction.RESUME, null);
    }

    @Override
    public Collection<String> jobIds(Run run) {
      List<String> all = new ArrayList<>(BEFORE);
      all.addAll(WHILE_DOWN);
      all.add(CANCELLED);
      return all;
    }

    @Override
    public void verify(Run run) {
      for (String id : jobIds(run)) {
        assertThat(run.result(id).getStatus())
            .as(id)
            .isEqualTo(id.equals(CANCELLED) ? JobStatus.CANCELLED : JobStatus.SUCCEEDED);
        for (JobEvent started : run.events(id, JobEventKind.STARTED)) {
          assertThat(started.getTime())
              .as("%s started only after the resume", id)
              .isAfterOrEqualTo(resumedAt);
        }
      }
    }
  }

  /**
   * A tenant at its quota (maxInFlight 1) across the restart: its first job admitted and held by
   * the worker (the tenant is paused, so the slot stays taken), the others waiting in the quota
   * gate. The restarted topology (empty local state) must restore both: the gate admits nothing
   * while the held job has the slot, then one job at a time, in order, once the resume lets them
   * finish.
   */
  static final class QuotaSlots implements InFlightState {
    private static final String TENANT = "quota-tenant";
    private static final List<String> IDS = ids("quota-", 1, 4);

    @Override
    public RunexConfig configure(RunexConfig cfg) {
      String yaml =
          """
          runex:
            jobTypes:
              note: {tenants: ["*"]}
            quotas:
              tenants:
                %s: {maxInFlight: 1}
          """
              .formatted(TENANT);
      return cfg.withQuotas(ConfigLoader.fromYaml(yaml, Map.of(), Map.of()).quotas());
    }

    @Override
    public void start(Run run) throws Exception {
      run.control(
          ControlTargets.tenant(TENANT), ControlAction.PAUSE, "restart test: hold the slot");
      IDS.forEach(id -> run.submit(id, TENANT, null));
      // they reach the gate in any order (intake partitions): one is admitted (the worker holds
      // it),
      // the other three wait in the gate
      await("one quota job admitted, three waiting")
          .atMost(TopologyRestartIT.WAIT)
          .until(
              () ->
                  admitted(run).size() == 1
                      && IDS.stream()
                              .filter(id -> !run.events(id, JobEventKind.THROTTLED).isEmpty())
                              .count()
                          == IDS.size() - 1);
    }

    @Override
    public void afterRestart(Run run) throws Exception {
      // the restored gate must not admit a second job while the first holds the slot: verify
      // checks that each job was admitted only after the previous one finished, and the first
      // finishes only after this resume
      run.control(ControlTargets.tenant(TENANT), ControlAction.RESUME, null);
    }

    private static List<String> admitted(Run run) {
      return IDS.stream().filter(id -> !run.events(id, JobEventKind.SCHEDULED).isEmpty()).toList();
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return IDS;
    }

    @Override
    public void verify(Run run) {
      Instant previousFinished = null;
      List<String> byAdmission =
          IDS.stream()
              .sorted(
                  java.util.Comparator.comparing(
                      (String id) -> run.events(id, JobEventKind.SCHEDULED).get(0).getTime()))
              .toList();
      for (String id : byAdmission) {
        JobResult r = run.result(id);
        assertThat(r.getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
        Instant admitted = run.events(id, JobEventKind.SCHEDULED).get(0).getTime();
        if (previousFinished != null) {
          assertThat(admitted)
              .as("%s admitted only after the previous job finished (maxInFlight 1)", id)
              .isAfterOrEqualTo(previousFinished);
          assertThat(admitted)
              .as("%s admitted by the restarted topology", id)
              .isAfter(run.stoppedAt);
        }
        previousFinished = r.getFinishedAt();
      }
    }
  }

  /**
   * Cancels of delayed jobs (10 min away): one issued just before the stop (its CANCELLED result
   * may come from either topology), one while nothing runs and one after the restart (the restored
   * delay index must still hold those two, and the restarted topology cancels them).
   */
  static final class Cancels implements InFlightState {
    private static final String BEFORE = "cancel-before";
    private static final String WHILE_DOWN = "cancel-while-down";
    private static final String AFTER = "cancel-after";
    private static final List<String> IDS = List.of(BEFORE, WHILE_DOWN, AFTER);

    @Override
    public void start(Run run) {
      IDS.forEach(id -> run.submit(id, "demo", "\"delay\":\"10m\""));
      run.awaitEvents(IDS, JobEventKind.DELAYED);
    }

    @Override
    public void justBeforeRestart(Run run) throws Exception {
      run.control(ControlTargets.job(BEFORE), ControlAction.CANCEL, "reason " + BEFORE);
    }

    @Override
    public void whileDown(Run run) throws Exception {
      run.control(ControlTargets.job(WHILE_DOWN), ControlAction.CANCEL, "reason " + WHILE_DOWN);
    }

    @Override
    public void afterRestart(Run run) throws Exception {
      assertThat(run.collector.results)
          .as("%s waits until cancelled", AFTER)
          .doesNotContainKey(AFTER);
      run.control(ControlTargets.job(AFTER), ControlAction.CANCEL, "reason " + AFTER);
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return IDS;
    }

    @Override
    public void verify(Run run) {
      for (String id : IDS) {
        JobResult r = run.result(id);
        assertThat(r.getStatus()).as(id).isEqualTo(JobStatus.CANCELLED);
        assertThat(r.getError().getMessage()).as(id).endsWith("reason " + id);
        assertThat(run.events(id, JobEventKind.SCHEDULED)).as("%s never released", id).isEmpty();
      }
      for (String id : List.of(WHILE_DOWN, AFTER)) {
        assertThat(run.result(id).getFinishedAt())
            .as("%s cancelled by the restarted topology", id)
            .isAfterOrEqualTo(run.stoppedAt);
      }
    }
  }

  /**
   * A job whose first attempt failed just before the stop: its retry waits out a 15 s back-off in
   * the delay index across the restart, then runs once and succeeds (two attempts in all).
   */
  static final class RetryBackingOff implements InFlightState {
    private static final String ID = "retried-1";

    @Override
    public RunexConfig configure(RunexConfig cfg) {
      return InFlightState.withJobTypes(
          cfg,
          """
          flaky:
            executor: java
            handler: fail
            tenants: ["*"]
            params: {times: int}
            retry: {maxAttempts: 3, initialInterval: 15s, randomization: 0}
          """);
    }

    @Override
    public void justBeforeRestart(Run run) {
      run.submit(ID, ID, "flaky", "demo", "\"params\":{\"times\":1}");
      await("retry of " + ID + " waiting")
          .atMost(TopologyRestartIT.WAIT)
          .until(
              () ->
                  run.events(ID, JobEventKind.DELAYED).stream().anyMatch(e -> e.getAttempt() == 2));
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return List.of(ID);
    }

    @Override
    public void verify(Run run) {
      JobResult r = run.result(ID);
      assertThat(r.getStatus()).isEqualTo(JobStatus.SUCCEEDED);
      assertThat(r.getAttempts()).isEqualTo(2);
      List<JobEvent> released = run.events(ID, JobEventKind.SCHEDULED);
      assertThat(released)
          .as("released: attempt 1, then the retry")
          .extracting(JobEvent::getAttempt)
          .containsExactly(1, 2);
      assertThat(released.get(1).getTime())
          .as(
              "retry released by the restarted topology (if not, the first "
                  + "runtime took longer than its back-off to stop)")
          .isAfterOrEqualTo(run.stoppedAt);
    }
  }

  /**
   * Jobs submitted just before the stop (somewhere in the pipeline then) and while nothing runs.
   */
  static final class IntakeAcrossTheRestart implements InFlightState {
    private static final List<String> BEFORE = ids("burst-", 1, 5);
    private static final List<String> WHILE_DOWN = ids("down-", 1, 5);

    @Override
    public void justBeforeRestart(Run run) {
      BEFORE.forEach(id -> run.submit(id, "demo", null));
    }

    @Override
    public void whileDown(Run run) {
      WHILE_DOWN.forEach(id -> run.submit(id, "demo", null));
    }

    @Override
    public Collection<String> jobIds(Run run) {
      List<String> all = new ArrayList<>(BEFORE);
      all.addAll(WHILE_DOWN);
      return all;
    }

    @Override
    public void verify(Run run) {
      jobIds(run)
          .forEach(
              id -> assertThat(run.result(id).getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED));
    }
  }

  /**
   * Delayed jobs waiting in the first topology's delay index when it stops, due soon after: the
   * restarted topology (empty local state) releases each once, not before its release lead ahead of
   * its due time, it starts no sooner than that time, and its status history spans both topologies.
   *
   * <p>Precondition: the first runtime stops within {@link #DELAY} of their submission (it is the
   * last thing it does); otherwise they would be released before the restart and the test says so.
   */
  static final class DelayedJobs implements InFlightState {
    private static final Duration DELAY = Duration.ofSeconds(15);
    private static final List<String> IDS = ids("delayed-", 1, 5);
    private Instant due;

    @Override
    public void justBeforeRestart(Run run) {
      due = Instant.now().plus(DELAY).truncatedTo(ChronoUnit.MILLIS); // event times are millis
      IDS.forEach(id -> run.submit(id, "demo", "\"notBefore\":\"" + due + "\""));
      run.awaitEvents(IDS, JobEventKind.DELAYED);
    }

    @Override
    public Collection<String> jobIds(Run run) {
      return IDS;
    }

    @Override
    public void verify(Run run) {
      for (String id : IDS) {
        assertThat(run.result(id).getStatus()).as(id).isEqualTo(JobStatus.SUCCEEDED);
        List<JobEvent> released = run.events(id, JobEventKind.SCHEDULED);
        assertThat(released).as("%s released once", id).hasSize(1);
        assertThat(released.get(0).getTime())
            .as(
                "%s released by the restarted topology (if not, the first runtime "
                    + "took longer than %s to stop)",
                id, DELAY)
            .isAfterOrEqualTo(run.stoppedAt);
        assertThat(released.get(0).getTime())
            .as("%s released no sooner than its lead ahead of its due time", id)
            .isAfterOrEqualTo(due.minus(run.cfg.duration(Settings.TOPOLOGY_RELEASE_AHEAD)));
        assertThat(run.result(id).getStartedAt())
            .as("%s started at or after its due time", id)
            .isAfterOrEqualTo(due);
      }
      assertThat(Run.history(run.awaitStatus(IDS.get(0), "SUCCEEDED")))
          .as("history across the restart")
          .containsExactly("RECEIVED", "VALIDATED", "DELAYED", "SCHEDULED", "STARTED", "SUCCEEDED");
    }
  }
}
