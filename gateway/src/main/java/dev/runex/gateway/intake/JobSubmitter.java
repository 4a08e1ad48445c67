package dev.runex.gateway.intake;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runex.config.RunexConfig;
import dev.runex.config.Settings;
import dev.runex.gateway.access.Caller;
import dev.runex.gateway.api.Problem;
import dev.runex.schemas.JobRequest;
import dev.runex.schemas.ReasonCode;
import dev.runex.schemas.json.AvroJson;
import dev.runex.schemas.lifecycle.TraceParents;
import dev.runex.topology.intake.DecodeResult;
import dev.runex.topology.intake.IntakeDecoder;
import dev.runex.topology.validation.JobValidator;
import dev.runex.topology.validation.Validation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Submits jobs from the gateway to {@code intake}, as any producer would, after the checks intake
 * will make, so the caller learns at once what intake would refuse: the JSON intake contract read
 * by the topology's own {@link IntakeDecoder} (unknown fields, bad types, malformed JSON: 400 with
 * intake's reason code), then the tenant rule of the caller's key, then the topology's {@link
 * JobValidator} (unknown type, tenant not allowed, parameters, limits: 422 with its code).
 *
 * <p>A tenant key's jobs carry its tenant: a request without one gets it, a request naming another
 * tenant is refused (403 {@code TENANT_NOT_PERMITTED}). A request without an id gets a random one,
 * so the answer can name the job. The record is keyed by the job id and acked by every in-sync
 * replica (acks=all) before the gateway answers.
 */
public final class JobSubmitter {
  /** One job, checked and ready to write. */
  public record Prepared(String jobId, String tenant, byte[] value) {}

  /** Where a job was written. */
  public record Submitted(String jobId, int partition, long offset) {}

  private final Producer<byte[], byte[]> producer;
  private final String intakeTopic;
  private final IntakeDecoder decoder;
  private final JobValidator validator;
  private final RecentSubmissions submitted;
  private final Clock clock;

  public JobSubmitter(RunexConfig cfg, Producer<byte[], byte[]> producer, String intakeTopic) {
    this(cfg, producer, intakeTopic, new RecentSubmissions(), Clock.systemUTC());
  }

  /** A submitter noting each job it wrote in {@code submitted}, at {@code clock}'s time. */
  public JobSubmitter(
      RunexConfig cfg,
      Producer<byte[], byte[]> producer,
      String intakeTopic,
      RecentSubmissions submitted,
      Clock clock) {
    this.producer = producer;
    this.intakeTopic = intakeTopic;
    this.submitted = submitted;
    this.clock = clock;
    this.decoder =
        new IntakeDecoder(cfg.topics().registry(), cfg.intValue(Settings.INTAKE_MAX_REQUEST_BYTES));
    this.validator = new JobValidator(cfg);
  }

  /** Checks one request as intake would; Problem when intake would refuse it. */
  public Prepared prepare(Caller caller, byte[] body) {
    if (body.length > 0 && body[0] == 0) {
      throw Problem.badRequest(
          "UNSUPPORTED_ENCODING", "the gateway takes JSON; write Avro to the intake topic itself");
    }
    JobRequest request = decode(body);
    ObjectNode json;
    try {
      json = (ObjectNode) AvroJson.MAPPER.readTree(body);
    } catch (IOException | ClassCastException e) {
      throw Problem.badRequest("MALFORMED_JSON", "a request must be one JSON object");
    }
    String tenant = request.getTenant();
    if (caller.tenant().isPresent()) {
      String own = caller.tenant().get();
      if (tenant != null && !tenant.isBlank() && !tenant.equals(own)) {
        throw Problem.forbidden(
            "TENANT_NOT_PERMITTED",
            "this key submits jobs for tenant '" + own + "' only, not '" + tenant + "'");
      }
      json.put("tenant", own);
    }
    String id = request.getId();
    if (id == null) {
      id = UUID.randomUUID().toString();
      json.put("id", id);
    }
    byte[] value = json.toString().getBytes(StandardCharsets.UTF_8);
    JobRequest amended = decode(value);
    Validation v =
        validator.validate(
            amended,
            id.getBytes(StandardCharsets.UTF_8),
            value.length,
            0,
            System.currentTimeMillis());
    if (v instanceof Validation.Invalid invalid) {
      throw Problem.unprocessable(invalid.code(), invalid.message());
    }
    return new Prepared(id, amended.getTenant(), value);
  }

  private JobRequest decode(byte[] body) {
    DecodeResult d = decoder.decode(intakeTopic, body);
    if (d instanceof DecodeResult.Undecodable u) {
      int status = ReasonCode.TOO_LARGE.code().equals(u.code()) ? 413 : 400;
      throw new Problem(status, u.code(), u.message());
    }
    return ((DecodeResult.Decoded) d).request();
  }

  /** Writes prepared jobs and waits for every ack; the trace parent (if valid) goes along. */
  public List<Submitted> send(List<Prepared> jobs, String traceParent) throws InterruptedException {
    byte[] trace =
        traceParent != null && TraceParents.parse(traceParent) != null
            ? traceParent.trim().getBytes(StandardCharsets.UTF_8)
            : null;
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (Prepared p : jobs) {
      ProducerRecord<byte[], byte[]> record =
          new ProducerRecord<>(intakeTopic, p.jobId().getBytes(StandardCharsets.UTF_8), p.value());
      if (trace != null) {
        record.headers().add(TraceParents.HEADER, trace);
      }
      sent.add(producer.send(record));
    }
    List<Submitted> out = new ArrayList<>();
    for (int i = 0; i < jobs.size(); i++) {
      try {
        RecordMetadata md = sent.get(i).get();
        Prepared p = jobs.get(i);
        submitted.accepted(p.jobId(), p.tenant(), clock.instant());
        out.add(new Submitted(p.jobId(), md.partition(), md.offset()));
      } catch (ExecutionException e) {
        throw Problem.unavailable(
            "cannot write to " + intakeTopic + ": " + e.getCause().getMessage());
      }
    }
    return out;
  }
}
