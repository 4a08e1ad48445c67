/**
 * The job-status stores' write-back cache: the one place where runex uses Kafka Streams internals
 * ({@code org.apache.kafka.streams.processor.internals} and {@code
 * org.apache.kafka.streams.state.internals}). Nothing else in runex may import them ({@code
 * StreamsInternalsBoundaryTest}).
 *
 * <p>Why: the status application reads and rewrites a job's status for each of its ~5 lifecycle
 * events. Kafka Streams' own record cache holds serialized values, so every event decoded and
 * re-encoded the whole Avro status and kept it in a sorted map of byte arrays; during a drain that
 * was most of the status application's CPU. {@link
 * dev.runex.topology.status.writeback.WriteBackStore} keeps changed values as objects and writes
 * each changed key once per commit. To stay exactly-once it must write them to the changelog inside
 * the task's transaction, before the producer commits it. Kafka Streams (4.4) offers no public hook
 * there: during a commit it calls {@code flushCache()} on stores implementing its internal {@code
 * CachedStateStore} before flushing the producer, while the public {@code StateStore.commit(Map)}
 * runs only after the transaction has committed (too late: the changelog would miss state of
 * committed input). And writing to a logged store outside record processing needs a record context
 * (the changelog record's timestamp), which only the internal {@code
 * InternalProcessorContext#setRecordContext} sets, as Kafka Streams' own caching store does.
 *
 * <p>What guards it: {@code KafkaStreamsInternalsTest} fails on any Kafka Streams version other
 * than the one this was written and checked against (4.4.0): re-read {@code
 * ProcessorStateManager.flushCache}, {@code StreamTask.prepareCommit} and {@code
 * ChangeLoggingKeyValueBytesStore} of the new version, then move the pin. Its behaviour tests (and
 * {@code StatusTopologyTest.eachCommitWritesTheFoldedStatusToTheChangelog}) fail if a version stops
 * calling {@code flushCache} at commit or stops taking the record context set here.
 */
package dev.runex.topology.status.writeback;
