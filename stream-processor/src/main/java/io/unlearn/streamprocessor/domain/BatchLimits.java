package io.unlearn.streamprocessor.domain;

import java.time.Duration;

/**
 * When a model's pending batch closes.
 *
 * @param maxRequests close at this many requests (config {@code batch.max.requests})
 * @param maxSamples close at this many sample ids, counted with repeats (config {@code batch.max.samples})
 * @param maxWait close when the oldest request has waited this long, wall clock (config {@code batch.max.wait.ms})
 * @param maxBytes close before the requests' encodings, each with its 24 bytes of bookkeeping, would pass this
 *                 (config {@code batch.max.bytes}), so that the batch record fits the producer's max.request.size
 * @param deadlineMargin close when a pending request's deadline is this near, wall clock, leaving the rest of the
 *                       pipeline that long to finish it (config {@code batch.deadline.margin.ms})
 */
public record BatchLimits(int maxRequests, long maxSamples, Duration maxWait, long maxBytes, Duration deadlineMargin) {
}
