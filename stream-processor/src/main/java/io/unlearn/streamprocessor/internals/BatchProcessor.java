package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.domain.BatchLimits;
import io.unlearn.streamprocessor.domain.BatchState;
import io.unlearn.streamprocessor.domain.Batches;
import io.unlearn.streamprocessor.domain.Statuses;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gathers one model's pending requests (bundles keyed by model id) and closes its batch at a size limit on arrival,
 * or at {@code max.wait} from a wall-clock punctuator. A batch's wait counts from when its oldest request was
 * admitted. A batch also closes (trigger DEADLINE) once its earliest request deadline is no more than
 * {@code batch.deadline.margin.ms} away: on the arrival of a request already that close, else at the next
 * punctuation, so a long max.wait never holds a request past the time the rest of the pipeline needs. A batch closes before a request would take its bytes past {@code batch.max.bytes} (trigger
 * MAX_SAMPLES), so the batch record fits the producer's max.request.size; admission rejected any request larger
 * than that alone.
 *
 * <p>Two stores, both keyed by model id: the pending requests, as one {@link RequestBundle} value rewritten once per
 * arriving bundle (the record cache turns that into one changelog write per commit at most, and none if the batch
 * closes before the commit), the requests' encodings passed on as they came; and a {@link BatchState} with the last
 * sequence, so batch ids continue across restarts. Closing a batch emits one {@link Routed.Batch} and one BATCHED
 * {@link Routed.Status} per request and updates both stores, all in the same transaction.
 *
 * <p>The pending batches are kept on the heap too, so that an arrival appends without reading the store; that copy
 * is rebuilt from the stores in {@link #init}, which Kafka Streams calls again whenever it restores the task's stores
 * (after a crash or an aborted transaction), so it never holds what the stores do not.
 */
public final class BatchProcessor implements Processor<String, RequestBundle, String, Routed> {

    private final BatchLimits limits;
    private final Duration checkInterval;
    private final String pendingStoreName;
    private final String stateStoreName;
    private final String requestTopic;
    private final Deserializer<BatchedRequest> deserializer;
    private final StreamProcessorMetrics metrics;
    /** Models with a pending batch, to their state and requests. */
    private final Map<String, PendingBatch> open = new HashMap<>();
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, byte[]> pending;
    private KeyValueStore<String, BatchState> states;

    /**
     * @param requestTopic the topic name the requests' encoding is read under (for error messages)
     */
    public BatchProcessor(BatchLimits limits, Duration checkInterval, String pendingStoreName, String stateStoreName,
                          String requestTopic, Deserializer<BatchedRequest> deserializer,
                          StreamProcessorMetrics metrics) {
        this.limits = limits;
        this.checkInterval = checkInterval;
        this.pendingStoreName = pendingStoreName;
        this.stateStoreName = stateStoreName;
        this.requestTopic = requestTopic;
        this.deserializer = deserializer;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.pending = context.getStateStore(pendingStoreName);
        this.states = context.getStateStore(stateStoreName);
        open.clear();
        try (KeyValueIterator<String, byte[]> all = pending.all()) {
            all.forEachRemaining(kv -> {
                BatchState state = states.get(kv.key);
                RequestBundle.Builder requests = RequestBundle.Builder.of(RequestBundle.parse(pendingStoreName, kv.value));
                if (state == null || state.pendingRequests() != requests.size()) {
                    throw new StoreFormatException(pendingStoreName + ": model '" + kv.key + "' has " + requests.size()
                            + " pending requests but its batch state is " + state + "; the two stores disagree");
                }
                open.put(kv.key, new PendingBatch(state, requests, true));
            });
        }
        context.schedule(checkInterval, PunctuationType.WALL_CLOCK_TIME, this::closeExpired);
    }

    @Override
    public void process(Record<String, RequestBundle> record) {
        String modelId = record.key();
        long nowMs = context.currentSystemTimeMs();
        PendingBatch batch = open.get(modelId);
        if (batch == null) {
            BatchState state = Optional.ofNullable(states.get(modelId)).orElse(BatchState.EMPTY);
            batch = new PendingBatch(state, new RequestBundle.Builder(), false);
            open.put(modelId, batch);
        }
        for (RequestBundle.Entry entry : record.value().entries()) {
            if (!batch.requests.isEmpty()
                    && batch.requests.bytes() + RequestBundle.ENTRY_HEADER + entry.request().length > limits.maxBytes()) {
                // close before the batch outgrows a record; the bytes grow with the sample ids, hence MAX_SAMPLES
                close(modelId, batch, BatchTrigger.MAX_SAMPLES, nowMs);
            }
            batch.requests.add(entry);
            batch.state = batch.state.withRequest(entry.samples(), entry.admittedAtMs(), entry.deadlineMs());
            // size limits are checked per request; the wait and deadlines once per bundle, below, so that a bundle
            // that arrives late (after a restart) or holds urgent requests forms one batch rather than one per request
            Optional<BatchTrigger> trigger = batch.state.closingSizeTrigger(limits);
            if (trigger.isPresent()) {
                close(modelId, batch, trigger.get(), nowMs);
            }
        }
        Optional<BatchTrigger> trigger = batch.state.closingTrigger(limits, nowMs);
        if (trigger.isPresent()) {
            close(modelId, batch, trigger.get(), nowMs);
        }
        store(modelId, batch);
    }

    private void closeExpired(long nowMs) {
        List<String> closed = new ArrayList<>();
        for (Map.Entry<String, PendingBatch> model : open.entrySet()) {
            Optional<BatchTrigger> trigger = model.getValue().state.closingTrigger(limits, nowMs);
            if (trigger.isPresent()) {
                close(model.getKey(), model.getValue(), trigger.get(), nowMs);
                closed.add(model.getKey());
            }
        }
        for (String modelId : closed) {
            store(modelId, open.get(modelId));
        }
        if (!closed.isEmpty()) {
            // a batch closed by time should not wait for the next commit interval to become visible
            context.commit();
        }
    }

    /** Writes {@code batch} to the stores; forgets it on the heap when nothing is pending. */
    private void store(String modelId, PendingBatch batch) {
        if (batch.requests.isEmpty()) {
            if (batch.stored) {
                pending.delete(modelId);
            }
            open.remove(modelId);
        } else {
            pending.put(modelId, batch.requests.toByteArray());
            batch.stored = true;
        }
        states.put(modelId, batch.state);
    }

    /** Emits the pending batch of {@code modelId} and leaves {@code batch} empty, its sequence advanced. */
    private void close(String modelId, PendingBatch batch, BatchTrigger trigger, long nowMs) {
        List<BatchedRequest> requests = new ArrayList<>(batch.requests.size());
        for (RequestBundle.Entry entry : batch.requests.build().entries()) {
            requests.add(deserializer.deserialize(requestTopic, entry.request()));
        }
        Instant now = Instant.ofEpochMilli(nowMs);
        UnlearningBatch closed = Batches.assemble(modelId, batch.state.nextSequence(), requests, trigger, now);
        context.forward(new Record<>(modelId, new Routed.Batch(closed), nowMs));
        for (BatchedRequest request : requests) {
            context.forward(new Record<>(request.getRequestId(),
                    new Routed.Status(Statuses.batched(request, modelId, closed.getBatchId(), now)), nowMs));
        }
        metrics.batchClosed(trigger, requests.size(), closed.getSampleIds().size(),
                nowMs - batch.state.oldestPendingAtMs());
        batch.state = batch.state.closed();
        batch.requests.clear();
    }

    /** A model's pending batch: its state, its requests in arrival order, whether the pending store holds them. */
    private static final class PendingBatch {
        private BatchState state;
        private final RequestBundle.Builder requests;
        private boolean stored;

        PendingBatch(BatchState state, RequestBundle.Builder requests, boolean stored) {
            this.state = state;
            this.requests = requests;
            this.stored = stored;
        }
    }
}
