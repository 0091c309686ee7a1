package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.streamprocessor.domain.ModelResolver;
import io.unlearn.streamprocessor.domain.RequestValidator;
import io.unlearn.streamprocessor.domain.Statuses;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Admits one decoded deletion request: validates it, drops re-sent copies, resolves it to models.
 *
 * <p>Emits a {@link Routed.Status} (REJECTED, DUPLICATE_OF or NO_MODELS_AFFECTED) or one {@link Routed.Pending}
 * per affected model, keyed by model id. Only accepted requests enter the de-duplication store, so a request that
 * was rejected and then re-sent corrected is processed. A wall-clock punctuator forgets request ids older than the
 * retention.
 */
public final class AdmitProcessor implements Processor<String, Routed.Decoded, String, Routed> {

    private final RequestValidator validator;
    private final String dedupStoreName;
    private final String manifestStoreName;
    private final Duration dedupRetention;
    private final Duration purgeInterval;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, DedupEntry> seen;
    private ReadOnlyKeyValueStore<String, ManifestEntry> manifest;

    public AdmitProcessor(RequestValidator validator, String dedupStoreName, String manifestStoreName,
                          Duration dedupRetention, Duration purgeInterval) {
        this.validator = validator;
        this.dedupStoreName = dedupStoreName;
        this.manifestStoreName = manifestStoreName;
        this.dedupRetention = dedupRetention;
        this.purgeInterval = purgeInterval;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.seen = context.getStateStore(dedupStoreName);
        this.manifest = context.getStateStore(manifestStoreName);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
    }

    @Override
    public void process(Record<String, Routed.Decoded> record) {
        DeletionRequest request = record.value().request();
        String requestId = request.getRequestId();
        long nowMs = context.currentSystemTimeMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        List<String> problems = validator.problems(record.key(), request);
        if (!problems.isEmpty()) {
            emit(record, Statuses.rejected(requestId, problems, now));
            return;
        }
        ManifestEntry entry = request.getSubjectId() == null ? null : manifest.get(request.getSubjectId());
        Map<String, BatchedRequest> byModel = ModelResolver.resolve(request, entry);
        List<String> unresolved = ModelResolver.unresolvedSubject(request, byModel);
        if (!unresolved.isEmpty()) {
            emit(record, Statuses.rejected(requestId, unresolved, now));
            return;
        }
        DedupEntry first = seen.get(requestId);
        if (first != null && !first.expired(nowMs, dedupRetention)) {
            emit(record, Statuses.duplicateOf(requestId, first.origin(), now));
            return;
        }
        seen.put(requestId, new DedupEntry(record.value().origin(), nowMs));
        if (byModel.isEmpty()) {
            emit(record, Statuses.noModelsAffected(requestId, request.getSubjectId(),
                    RequestValidator.flags(request.getDeadline(), now), now));
            return;
        }
        byModel.forEach((modelId, pending) ->
                context.forward(new Record<>(modelId, new Routed.Pending(pending), record.timestamp())));
    }

    private void emit(Record<String, Routed.Decoded> record, RequestStatus status) {
        context.forward(new Record<>(status.getRequestId(), new Routed.Status(status), record.timestamp()));
    }

    private void forgetExpired(long nowMs) {
        List<String> expired = new ArrayList<>();
        try (KeyValueIterator<String, DedupEntry> all = seen.all()) {
            all.forEachRemaining(kv -> {
                if (kv.value.expired(nowMs, dedupRetention)) {
                    expired.add(kv.key);
                }
            });
        }
        expired.forEach(seen::delete);
    }
}
