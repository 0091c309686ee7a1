package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import io.unlearn.streamprocessor.domain.ModelResolver;
import io.unlearn.streamprocessor.domain.RequestValidator;
import io.unlearn.streamprocessor.domain.Statuses;
import org.apache.kafka.common.serialization.Serializer;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Admits one decoded deletion request: validates it, drops re-sent copies, resolves it to models.
 *
 * <p>Emits a {@link Routed.Status} (REJECTED, DUPLICATE_OF or NO_MODELS_AFFECTED) or one {@link Routed.Pending}
 * per affected model, keyed by model id, with its encoding. Each request gets its deadline here
 * ({@link DeadlinePolicy}): the statuses and the resolved requests carry it, so every later stage knows it. Only accepted requests enter the de-duplication store,
 * so a request that was rejected and then re-sent corrected is processed. A request whose encoding for one of its
 * models is larger than a batch may carry ({@code batch.max.bytes}) is REJECTED: it could never be written. A wall-clock punctuator forgets request ids older than the
 * retention.
 *
 * <p>A SUBJECT request for a subject no training manifest lists yet waits ({@link SubjectWait}, status RECEIVED
 * saying so): a wall-clock punctuator resolves it again until the subject's entry arrives, then admits it as if it
 * had just come, or ends it NO_MODELS_AFFECTED once {@code subject.wait.ms} has passed (0: at once).
 */
public final class AdmitProcessor implements Processor<String, Routed.Decoded, String, Routed> {

    private final RequestValidator validator;
    private final DeadlinePolicy deadlines;
    private final String dedupStoreName;
    private final String manifestStoreName;
    private final Duration dedupRetention;
    private final Duration purgeInterval;
    private final Serializer<BatchedRequest> serializer;
    private final String requestTopic;
    private final long maxBatchBytes;
    private final String subjectWaitStoreName;
    private final Duration subjectWait;
    private final Duration subjectCheckInterval;
    private ProcessorContext<String, Routed> context;
    private KeyValueStore<String, DedupEntry> seen;
    private ReadOnlyKeyValueStore<String, ManifestEntry> manifest;
    private KeyValueStore<String, SubjectWait> waiting;

    /**
     * @param serializer encodes a request for its model; the encoding travels on to the batch as it is
     * @param requestTopic the topic name the request encoding registers its schema under
     * @param maxBatchBytes most bytes a batch carries (config {@code batch.max.bytes})
     * @param subjectWait how long a SUBJECT request waits for its subject's manifest entry (config
     *                    {@code subject.wait.ms}); zero ends it NO_MODELS_AFFECTED at once
     * @param subjectCheckInterval how often waiting requests are resolved again
     */
    public AdmitProcessor(RequestValidator validator, DeadlinePolicy deadlines, String dedupStoreName, String manifestStoreName,
                          Duration dedupRetention, Duration purgeInterval, Serializer<BatchedRequest> serializer,
                          String requestTopic, long maxBatchBytes, String subjectWaitStoreName, Duration subjectWait,
                          Duration subjectCheckInterval) {
        this.validator = validator;
        this.deadlines = deadlines;
        this.dedupStoreName = dedupStoreName;
        this.manifestStoreName = manifestStoreName;
        this.dedupRetention = dedupRetention;
        this.purgeInterval = purgeInterval;
        this.serializer = serializer;
        this.requestTopic = requestTopic;
        this.maxBatchBytes = maxBatchBytes;
        this.subjectWaitStoreName = subjectWaitStoreName;
        this.subjectWait = subjectWait;
        this.subjectCheckInterval = subjectCheckInterval;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
        this.seen = context.getStateStore(dedupStoreName);
        this.manifest = context.getStateStore(manifestStoreName);
        this.waiting = context.getStateStore(subjectWaitStoreName);
        context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::forgetExpired);
        context.schedule(subjectCheckInterval, PunctuationType.WALL_CLOCK_TIME, this::resolveWaiting);
    }

    @Override
    public void process(Record<String, Routed.Decoded> record) {
        DeletionRequest request = record.value().request();
        String requestId = request.getRequestId();
        long nowMs = context.currentSystemTimeMs();
        Instant now = Instant.ofEpochMilli(nowMs);
        Instant deadline = deadlines.deadlineOf(request);
        List<String> problems = validator.problems(record.key(), request);
        if (!problems.isEmpty()) {
            emit(record, Statuses.rejected(requestId, problems, deadline, now));
            return;
        }
        ManifestEntry entry = request.getSubjectId() == null ? null : manifest.get(request.getSubjectId());
        Map<String, BatchedRequest> byModel = ModelResolver.resolve(request, entry, deadline);
        List<String> unresolved = ModelResolver.unresolvedSubject(request, byModel);
        if (!unresolved.isEmpty()) {
            emit(record, Statuses.rejected(requestId, unresolved, deadline, now));
            return;
        }
        DedupEntry first = seen.get(requestId);
        if (first != null && !first.expired(nowMs, dedupRetention)) {
            emit(record, Statuses.duplicateOf(requestId, first.origin(), deadline, now));
            return;
        }
        if (byModel.isEmpty() && request.getScope() == DeletionScope.SUBJECT && !subjectWait.isZero()) {
            // remembered as seen now, so a re-sent copy is a duplicate of this one while it waits
            seen.put(requestId, new DedupEntry(record.value().origin(), nowMs));
            waiting.put(requestId, new SubjectWait(request, record.value().origin(), nowMs));
            emit(record, Statuses.waitingForSubject(requestId, request.getSubjectId(), subjectWait, deadline, now));
            return;
        }
        admit(request, byModel, deadline, record.value().origin(), nowMs, record.timestamp(), true);
    }

    /**
     * Sends a resolved request on, one record per model, or ends it: REJECTED when an encoding outgrows a batch,
     * NO_MODELS_AFFECTED when it concerns no model. {@code remember} puts it in the de-duplication store (a request
     * that waited for its subject is there already).
     */
    private void admit(DeletionRequest request, Map<String, BatchedRequest> byModel, Instant deadline, String origin,
                       long nowMs, long timestamp, boolean remember) {
        String requestId = request.getRequestId();
        Instant now = Instant.ofEpochMilli(nowMs);
        Map<String, byte[]> encoded = new LinkedHashMap<>();
        List<String> tooLarge = new ArrayList<>();
        byModel.forEach((modelId, pending) -> {
            byte[] bytes = serializer.serialize(requestTopic, pending);
            if (RequestBundle.ENTRY_HEADER + bytes.length > maxBatchBytes) {
                tooLarge.add(tooLarge(request, modelId, pending, bytes.length));
            }
            encoded.put(modelId, bytes);
        });
        if (!tooLarge.isEmpty()) {
            emit(Statuses.rejected(requestId, tooLarge, deadline, now), timestamp);
            return;
        }
        if (remember) {
            seen.put(requestId, new DedupEntry(origin, nowMs));
        }
        if (byModel.isEmpty()) {
            emit(Statuses.noModelsAffected(requestId, request.getSubjectId(), deadline, now), timestamp);
            return;
        }
        byModel.forEach((modelId, pending) -> context.forward(new Record<>(modelId,
                new Routed.Pending(pending, encoded.get(modelId)), timestamp)));
    }

    /** Resolves each waiting request again: admitted once its subject is listed, ended once it waited long enough. */
    private void resolveWaiting(long nowMs) {
        List<SubjectWait> due = new ArrayList<>();
        try (KeyValueIterator<String, SubjectWait> all = waiting.all()) {
            all.forEachRemaining(kv -> due.add(kv.value));
        }
        for (SubjectWait wait : due) {
            DeletionRequest request = wait.request();
            Instant deadline = deadlines.deadlineOf(request);
            Map<String, BatchedRequest> byModel = ModelResolver.resolve(request,
                    manifest.get(request.getSubjectId()), deadline);
            if (byModel.isEmpty() && nowMs - wait.arrivedAtMs() < subjectWait.toMillis()) {
                continue;
            }
            waiting.delete(request.getRequestId());
            admit(request, byModel, deadline, wait.origin(), nowMs, nowMs, false);
        }
    }

    private String tooLarge(DeletionRequest request, String modelId, BatchedRequest pending, int bytes) {
        String what = String.format(Locale.ROOT, "for model '%s' the request encodes to %,d bytes (%,d sample ids), "
                        + "more than a batch carries (batch.max.bytes=%,d less %d bytes of bookkeeping)", modelId,
                bytes, pending.getSampleIds().size(), maxBatchBytes, RequestBundle.ENTRY_HEADER);
        if (request.getSampleIds().isEmpty() && !pending.getSampleIds().isEmpty()) {
            return what + "; its sample ids come from the training manifest's entry of subject '"
                    + request.getSubjectId() + "': raise batch.max.bytes together with producer.max.request.size, "
                    + "or send SAMPLES requests that each name a part of them";
        }
        return what + "; split it into requests of fewer ids";
    }

    private void emit(Record<String, Routed.Decoded> record, RequestStatus status) {
        emit(status, record.timestamp());
    }

    private void emit(RequestStatus status, long timestamp) {
        context.forward(new Record<>(status.getRequestId(), new Routed.Status(status), timestamp));
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
