package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchTrigger;

import java.util.Optional;

/**
 * One model's batching state: the last batch sequence it emitted and what its pending batch holds.
 *
 * @param lastSequence sequence of the last emitted batch; 0 before the first
 * @param pendingRequests requests in the pending batch
 * @param pendingSamples sample ids in the pending batch, counted with repeats
 * @param oldestPendingAtMs wall-clock time the pending batch's oldest request arrived; meaningless when empty
 */
public record BatchState(long lastSequence, int pendingRequests, long pendingSamples, long oldestPendingAtMs) {

    /** The state of a model never seen before. */
    public static final BatchState EMPTY = new BatchState(0, 0, 0, 0);

    /** This state after one more request with {@code samples} sample ids arrived at {@code nowMs}. */
    public BatchState withRequest(int samples, long nowMs) {
        return new BatchState(lastSequence, pendingRequests + 1, pendingSamples + samples,
                pendingRequests == 0 ? nowMs : oldestPendingAtMs);
    }

    /** The trigger that closes the pending batch at {@code nowMs}, if any; size triggers before time. */
    public Optional<BatchTrigger> closingTrigger(BatchLimits limits, long nowMs) {
        Optional<BatchTrigger> size = closingSizeTrigger(limits);
        if (size.isPresent() || pendingRequests == 0) {
            return size;
        }
        if (nowMs - oldestPendingAtMs >= limits.maxWait().toMillis()) {
            return Optional.of(BatchTrigger.MAX_WAIT);
        }
        return Optional.empty();
    }

    /** The size trigger that closes the pending batch whatever the time, if any: requests before samples. */
    public Optional<BatchTrigger> closingSizeTrigger(BatchLimits limits) {
        if (pendingRequests == 0) {
            return Optional.empty();
        }
        if (pendingRequests >= limits.maxRequests()) {
            return Optional.of(BatchTrigger.MAX_REQUESTS);
        }
        if (pendingSamples >= limits.maxSamples()) {
            return Optional.of(BatchTrigger.MAX_SAMPLES);
        }
        return Optional.empty();
    }

    /** The sequence the pending batch gets when it closes. */
    public long nextSequence() {
        return lastSequence + 1;
    }

    /** This state after the pending batch was emitted: sequence advanced, nothing pending. */
    public BatchState closed() {
        return new BatchState(nextSequence(), 0, 0, 0);
    }
}
