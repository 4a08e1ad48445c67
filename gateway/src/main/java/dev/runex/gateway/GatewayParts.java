package dev.runex.gateway;

import dev.runex.config.RunexConfig;
import dev.runex.gateway.access.Authenticator;
import dev.runex.gateway.api.DeadLettersApi;
import dev.runex.gateway.api.JobsApi;
import dev.runex.gateway.api.OperationsApi;
import dev.runex.gateway.audit.AuditLog;
import dev.runex.gateway.control.Controls;
import dev.runex.gateway.control.PausedTargets;
import dev.runex.gateway.deadletter.DeadLetterReplayer;
import dev.runex.gateway.deadletter.DeadLetterStore;
import dev.runex.gateway.health.GatewayHealth;
import dev.runex.gateway.intake.JobSubmitter;
import dev.runex.gateway.overview.OverviewSource;
import dev.runex.gateway.schedules.ScheduleCatalog;
import dev.runex.gateway.status.JobQueries;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** Everything the gateway's routes use, built and started by {@link Gateway}. */
public record GatewayParts(
    RunexConfig cfg,
    long maxRequestBytes,
    Authenticator auth,
    JobSubmitter submitter,
    JobQueries jobs,
    Controls controls,
    PausedTargets paused,
    DeadLetterStore deadLetters,
    DeadLetterReplayer replayer,
    AuditLog audit,
    OverviewSource overview,
    ScheduleCatalog schedules,
    GatewayHealth health,
    PrometheusMeterRegistry meters,
    JobsApi jobsApi,
    OperationsApi operationsApi,
    DeadLettersApi deadLettersApi) {}
