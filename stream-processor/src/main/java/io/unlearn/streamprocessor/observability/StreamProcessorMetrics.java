package io.unlearn.streamprocessor.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.unlearn.kit.observability.MeterPrefix;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.RequestState;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The stream-processor's Micrometer meters, named {@code unlearn.streamprocessor.*} ({@link MeterPrefix}). Tags are
 * low-cardinality enums ({@code state}, {@code trigger}, {@code outcome}); request and model ids never become tags.
 * Under exactly-once a task that aborts and re-processes counts its records again, so counts are upper bounds; the
 * topics are the record of truth. Kafka Streams' own metrics ({@code kafka_stream_*}, bound in
 * {@code StreamProcessorApp}) keep their names.
 *
 * <ul>
 *   <li>{@code unlearn.streamprocessor.request.statuses{state}}: statuses written, per state</li>
 *   <li>{@code unlearn.streamprocessor.batch.requests{trigger}}, {@code unlearn.streamprocessor.batch.samples{trigger}}:
 *   batch sizes</li>
 *   <li>{@code unlearn.streamprocessor.batch.wait{trigger}}: how long a batch's oldest request waited in it</li>
 *   <li>{@code unlearn.streamprocessor.dead.letter.records}: undecodable deletion requests sent to the dead-letter
 *   topic</li>
 *   <li>{@code unlearn.streamprocessor.manifest.entries.skipped}: undecodable training-manifest records skipped</li>
 *   <li>{@code unlearn.streamprocessor.model.entries.skipped}: undecodable models-topic records skipped</li>
 *   <li>{@code unlearn.streamprocessor.production.errors{outcome}}: output records that could not be written, by
 *   what was done (dead_letter, retry, fail)</li>
 * </ul>
 */
public final class StreamProcessorMetrics {

    private static final MeterPrefix P = MeterPrefix.STREAM_PROCESSOR;

    private final Map<RequestState, Counter> statuses = new EnumMap<>(RequestState.class);
    private final Map<BatchTrigger, DistributionSummary> batchRequests = new EnumMap<>(BatchTrigger.class);
    private final Map<BatchTrigger, DistributionSummary> batchSamples = new EnumMap<>(BatchTrigger.class);
    private final Map<BatchTrigger, Timer> batchWait = new EnumMap<>(BatchTrigger.class);
    private final Counter deadLetters;
    private final Counter manifestSkipped;
    private final Counter modelSkipped;
    private final MeterRegistry registry;

    public StreamProcessorMetrics(MeterRegistry registry) {
        this.registry = registry;
        for (RequestState state : RequestState.values()) {
            statuses.put(state, Counter.builder(P.of("request.statuses")).tag("state", state.name())
                    .description("Request statuses written by the stream-processor").register(registry));
        }
        for (BatchTrigger trigger : BatchTrigger.values()) {
            batchRequests.put(trigger, DistributionSummary.builder(P.of("batch.requests"))
                    .tag("trigger", trigger.name()).baseUnit("requests").publishPercentiles(0.5, 0.99)
                    .description("Requests per closed batch").register(registry));
            batchSamples.put(trigger, DistributionSummary.builder(P.of("batch.samples"))
                    .tag("trigger", trigger.name()).baseUnit("samples").publishPercentiles(0.5, 0.99)
                    .description("Distinct sample ids per closed batch").register(registry));
            batchWait.put(trigger, Timer.builder(P.of("batch.wait")).tag("trigger", trigger.name())
                    .publishPercentiles(0.5, 0.99)
                    .description("Wall-clock wait of a batch's oldest request until the batch closed").register(registry));
        }
        deadLetters = Counter.builder(P.of("dead.letter.records"))
                .description("Undecodable deletion requests sent to the dead-letter topic").register(registry);
        manifestSkipped = Counter.builder(P.of("manifest.entries.skipped"))
                .description("Undecodable training-manifest records skipped").register(registry);
        modelSkipped = Counter.builder(P.of("model.entries.skipped"))
                .description("Undecodable models-topic records skipped").register(registry);
    }

    public void status(RequestState state) {
        statuses.get(state).increment();
    }

    public void batchClosed(BatchTrigger trigger, int requests, int distinctSamples, long oldestWaitMs) {
        batchRequests.get(trigger).record(requests);
        batchSamples.get(trigger).record(distinctSamples);
        batchWait.get(trigger).record(Duration.ofMillis(Math.max(0, oldestWaitMs)));
    }

    public void deadLetter() {
        deadLetters.increment();
    }

    public void manifestEntrySkipped() {
        manifestSkipped.increment();
    }

    /** @param outcome what the production exception handler did: dead_letter, retry or fail */
    public void productionError(String outcome) {
        Counter.builder(P.of("production.errors")).tag("outcome", outcome)
                .description("Output records that could not be written, by what was done").register(registry)
                .increment();
    }

    public void modelEntrySkipped() {
        modelSkipped.increment();
    }
}
