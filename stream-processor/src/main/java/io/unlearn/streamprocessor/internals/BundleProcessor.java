package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.streamprocessor.domain.BatchLimits;
import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Gathers the accepted requests of one task per model ({@link Routed.Pending} records keyed by model id) and sends
 * them on as one {@link RequestBundle} per model: at once when the bundle alone would close a batch
 * (batch.max.requests, batch.max.samples or batch.max.bytes), otherwise from a wall-clock punctuator every
 * {@code interval}. A bundle never grows past batch.max.bytes: a request that would take it past is sent in the
 * next bundle, so a bundle, like the batch it feeds, fits a record.
 *
 * <p>Until sent, a model's bundle is the store's value for the model id, rewritten after each request, so a crash
 * loses none: the value, its deletion and the sent bundle commit or abort together. A bundle lives for at most one
 * interval and is usually written and deleted between two commits, so the record cache drops both and the changelog
 * sees neither. The bundles are kept on the heap too, to append without reading the store; that copy is rebuilt from
 * the store in {@link #init}, which Kafka Streams calls again whenever it restores the task's stores.
 */
public final class BundleProcessor implements Processor<String, Routed.Pending, String, RequestBundle> {

    private final BatchLimits limits;
    private final Duration interval;
    private final String storeName;
    /** Model id to its bundle not yet sent. */
    private final Map<String, RequestBundle.Builder> open = new HashMap<>();
    private ProcessorContext<String, RequestBundle> context;
    private KeyValueStore<String, byte[]> store;

    public BundleProcessor(BatchLimits limits, Duration interval, String storeName) {
        this.limits = limits;
        this.interval = interval;
        this.storeName = storeName;
    }

    @Override
    public void init(ProcessorContext<String, RequestBundle> context) {
        this.context = context;
        this.store = context.getStateStore(storeName);
        open.clear();
        try (KeyValueIterator<String, byte[]> all = store.all()) {
            all.forEachRemaining(kv -> open.put(kv.key, RequestBundle.Builder.of(RequestBundle.parse(storeName, kv.value))));
        }
        context.schedule(interval, PunctuationType.WALL_CLOCK_TIME, this::sendAll);
    }

    @Override
    public void process(Record<String, Routed.Pending> record) {
        String modelId = record.key();
        BatchedRequest request = record.value().request();
        RequestBundle.Builder bundle = open.get(modelId);
        boolean stored = bundle != null;
        if (bundle == null) {
            bundle = new RequestBundle.Builder();
            open.put(modelId, bundle);
        }
        byte[] encoded = record.value().encoded();
        if (!bundle.isEmpty() && bundle.bytes() + RequestBundle.ENTRY_HEADER + encoded.length > limits.maxBytes()) {
            send(modelId, bundle, stored, record.timestamp());
            bundle = new RequestBundle.Builder();
            open.put(modelId, bundle);
            stored = false;
        }
        long deadlineMs = request.getDeadline() == null ? DeadlinePolicy.NONE : request.getDeadline().toEpochMilli();
        bundle.add(context.currentSystemTimeMs(), deadlineMs, request.getSampleIds().size(), encoded);
        if (bundle.size() >= limits.maxRequests() || bundle.samples() >= limits.maxSamples()
                || bundle.bytes() >= limits.maxBytes()) {
            send(modelId, bundle, stored, record.timestamp());
            open.remove(modelId);
        } else {
            store.put(modelId, bundle.toByteArray());
        }
    }

    private void sendAll(long nowMs) {
        for (Iterator<Map.Entry<String, RequestBundle.Builder>> models = open.entrySet().iterator(); models.hasNext(); ) {
            Map.Entry<String, RequestBundle.Builder> model = models.next();
            send(model.getKey(), model.getValue(), true, nowMs);
            models.remove();
        }
    }

    /** @param stored whether the store holds the bundle, i.e. it was not just started and filled by one request */
    private void send(String modelId, RequestBundle.Builder bundle, boolean stored, long timestamp) {
        if (stored) {
            store.delete(modelId);
        }
        context.forward(new Record<>(modelId, bundle.build(), timestamp));
    }
}
