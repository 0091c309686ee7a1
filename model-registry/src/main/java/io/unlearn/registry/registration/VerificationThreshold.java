package io.unlearn.registry.registration;

/**
 * One check of a policy: a candidate passes it when {@code metric comparator threshold} holds,
 * e.g. {@code forget.accuracy <= 0.15}.
 *
 * @param metric     metric name as the verifier reports it (lowercase, dotted)
 * @param comparator {@code <=} or {@code >=}
 * @param threshold  the bound, a finite number
 */
public record VerificationThreshold(String metric, Comparator comparator, double threshold) {
}
