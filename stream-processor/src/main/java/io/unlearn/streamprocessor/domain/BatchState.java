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
 * @param earliestDeadlineMs the earliest deadline of the pending requests, epoch millis; {@link DeadlinePolicy#NONE}
 *                           when empty or none has one
 */
public record BatchState(long lastSequence, int pendingRequests, long pendingSamples, long oldestPendingAtMs,
                         long earliestDeadlineMs) {

    /** The state of a model never seen before. */
    public static final BatchState EMPTY = new BatchState(0, 0, 0, 0, DeadlinePolicy.NONE);

    /**
     * This state after one more request with {@code samples} sample ids arrived at {@code nowMs}.
     *
     * @param deadlineMs the request's deadline, epoch millis; {@link DeadlinePolicy#NONE} for none
     */
    public BatchState withRequest(int samples, long nowMs, long deadlineMs) {
        return new BatchState(lastSequence, pendingRequests + 1, pendingSamples + samples,
                pendingRequests == 0 ? nowMs : oldestPendingAtMs, Math.min(earliestDeadlineMs, deadlineMs));
    }

    /**
     * The trigger that closes the pending batch at {@code nowMs}, if any: size triggers, then the max wait, then a
     * deadline (its margin reached), so DEADLINE names only a batch that closed earlier than it otherwise would.
     */
    public Optional<BatchTrigger> closingTrigger(BatchLimits limits, long nowMs) {
        Optional<BatchTrigger> size = closingSizeTrigger(limits);
        if (size.isPresent() || pendingRequests == 0) {
            return size;
        }
        if (nowMs - oldestPendingAtMs >= limits.maxWait().toMillis()) {
            return Optional.of(BatchTrigger.MAX_WAIT);
        }
        if (earliestDeadlineMs != DeadlinePolicy.NONE
                && nowMs >= earliestDeadlineMs - limits.deadlineMargin().toMillis()) {
            return Optional.of(BatchTrigger.DEADLINE);
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
        return new BatchState(nextSequence(), 0, 0, 0, DeadlinePolicy.NONE);
    }
}
