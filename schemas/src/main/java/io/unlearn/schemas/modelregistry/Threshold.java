package io.unlearn.schemas.modelregistry;

/**
 * One verification check of a model's policy: {@code metric comparator threshold}, e.g. {@code forget.accuracy <= 0.2}.
 *
 * @param metric     a metric name as the verifier reports it (forget.accuracy, average.gap, ...)
 * @param comparator {@code <=} or {@code >=}
 * @param threshold  the bound
 */
public record Threshold(String metric, String comparator, double threshold) {

    public Threshold {
        if (!comparator.equals("<=") && !comparator.equals(">=")) {
            throw new IllegalArgumentException("comparator must be <= or >=, got '" + comparator + "' for " + metric);
        }
    }

    /** Whether {@code value} satisfies the bound; equality passes. NaN never passes. */
    public boolean passes(double value) {
        return comparator.equals("<=") ? value <= threshold : value >= threshold;
    }

    @Override
    public String toString() {
        return metric + " " + comparator + " " + threshold;
    }
}
