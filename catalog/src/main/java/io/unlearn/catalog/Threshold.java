package io.unlearn.catalog;

/**
 * One verification check of a policy: {@code metric comparator bound}, e.g. {@code forget.accuracy <= 0.2}.
 *
 * @param metric a metric key the model's family produces
 * @param comparator how the bound applies
 * @param threshold the bound, finite
 */
public record Threshold(String metric, Comparator comparator, double threshold) {

    /**
     * @param value the measured value
     * @return whether it satisfies the bound; NaN (not measured) never does
     */
    public boolean passes(double value) {
        return comparator.holds(value, threshold);
    }

    @Override
    public String toString() {
        return metric + " " + comparator.symbol() + " " + threshold;
    }
}
