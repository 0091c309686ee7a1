package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.DeletionRequest;

import java.time.Duration;
import java.time.Instant;

/**
 * When a deletion request is due: its own {@code deadline}, else its {@code requestedAt} plus a default period, so
 * that every request the stream-processor passes on has a deadline.
 *
 * @param defaultPeriod what a request without a deadline gets (config {@code request.default.deadline.ms}, default
 *                      30 days: GDPR Art. 12(3) gives the controller one month to act on an erasure request)
 */
public record DeadlinePolicy(Duration defaultPeriod) {

    /** The epoch millis standing for "no deadline": later than any, so nothing closes early for it. */
    public static final long NONE = Long.MAX_VALUE;

    /** The request's own deadline if it has one, else {@code requestedAt} + {@link #defaultPeriod}. */
    public Instant deadlineOf(DeletionRequest request) {
        return request.getDeadline() != null ? request.getDeadline()
                : request.getRequestedAt().plus(defaultPeriod);
    }
}
