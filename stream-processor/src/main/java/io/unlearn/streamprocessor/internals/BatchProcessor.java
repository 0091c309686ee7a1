package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.domain.BatchLimits;
import io.unlearn.streamprocessor.domain.BatchState;
import io.unlearn.streamprocessor.domain.Batches;
import io.unlearn.streamprocessor.domain.Statuses;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Gathers one model's pending requests (records keyed by model id) and closes its batch at a size limit on arrival,
 * or at {@code max.wait} from a wall-clock punctuator.
 *
 * <p>Two stores: the pending requests, one entry each under {@code modelId NUL index} so an arrival costs one small
 * write rather than a rewrite of the whole batch; and per model a {@link BatchState} with the last sequence, so
 * batch ids continue across restarts. Closing a batch emits one {@link Routed.Batch} and one BATCHED
 * {@link Routed.Status} per request, and deletes the entries, all in the same transaction.
 */
public final class BatchProcessor implements Processor<String, BatchedRequest, String, Routed> {

    private static final StringSerializer KEYS = new StringSerializer();
    /** Model ids cannot hold control characters (validated), so NUL separates them from the index unambiguously. */
    private static final char SEPARATOR = '\u0000';

    private final BatchLimits limits;
    private final Duration checkInterval;
    private final String pendingStoreName;
    private final String stateStoreName;
    private final StreamProcessorMetrics metrics;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, BatchedRequest> pending;
    private KeyValueStore<String, BatchState> states;

    public BatchProcessor(BatchLimits limits, Duration checkInterval, String pendingStoreName, String stateStoreName,
                          StreamProcessorMetrics metrics) {
        this.limits = limits;
        this.checkInterval = checkInterval;
        this.pendingStoreName = pendingStoreName;
        this.stateStoreName = stateStoreName;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStoreName);
        this.states = context.getStateStore(stateStoreName);
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::closeExpired);
    }

    @Override
    public void process(Record<String, BatchedRequest> record) {
        String modelId = record.key();
        long nowMs = context.currentSystemTimeMs();
        BatchState state = Optional.ofNullable(states.get(modelId)).orElse(BatchState.EMPTY);
        pending.put(entryKey(modelId, state.pendingRequests()), record.value());
        state = state.withRequest(record.value().getSampleIds().size(), nowMs);
        Optional<BatchTrigger> trigger = state.closingTrigger(limits, nowMs);
        if (trigger.isPresent()) {
            close(modelId, state, trigger.get(), nowMs);
        } else {
            states.put(modelId, state);
        }
    }

    private void closeExpired(long nowMs) {
        List<KeyValue<String, BatchState>> due = new ArrayList<>();
        try (KeyValueIterator<String, BatchState> all = states.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.closingTrigger(limits, nowMs).isPresent()) {
                    due.add(kv);
                }
            });
        }
        for (KeyValue<String, BatchState> model : due) {
            close(model.key, model.value, model.value.closingTrigger(limits, nowMs).orElseThrow(), nowMs);
        }
    }

    private void close(String modelId, BatchState state, BatchTrigger trigger, long nowMs) {
        List<String> keys = new ArrayList<>(state.pendingRequests());
        List<BatchedRequest> requests = new ArrayList<>(state.pendingRequests());
        try (KeyValueIterator<String, BatchedRequest> entries = pending.prefixScan(modelId + SEPARATOR, KEYS)) {
            entries.forEachRemaining(kv -> {
                keys.add(kv.key);
                requests.add(kv.value);
            });
        }
        keys.forEach(pending::delete);
        Instant now = Instant.ofEpochMilli(nowMs);
        UnlearningBatch batch = Batches.assemble(modelId, state.nextSequence(), requests, trigger, now);
        states.put(modelId, state.closed());
        context.forward(new Record<>(modelId, new Routed.Batch(batch), nowMs));
        for (BatchedRequest request : requests) {
            context.forward(new Record<>(request.getRequestId(),
                    new Routed.Status(Statuses.batched(request, modelId, batch.getBatchId(), now)), nowMs));
        }
        metrics.batchClosed(trigger, requests.size(), batch.getSampleIds().size(), nowMs - state.oldestPendingAtMs());
    }

    /** {@code modelId NUL index}, the index zero-padded to 10 digits so keys sort in arrival order. */
    static String entryKey(String modelId, int index) {
        String digits = Integer.toString(index);
        return modelId + SEPARATOR + "0000000000".substring(digits.length()) + digits;
    }
}
