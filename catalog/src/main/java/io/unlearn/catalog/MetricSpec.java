package io.unlearn.catalog;

/**
 * A metric a family's evaluation produces: its lowercase dotted key (as the verifier reports it, a policy's
 * threshold names it and a {@code VerificationResult} carries it) and what it measures.
 *
 * @param key e.g. {@code forget.accuracy}
 * @param doc what it measures, its range
 * @param onRequest whether it costs enough that it is computed only when a policy's threshold names it
 */
public record MetricSpec(String key, String doc, boolean onRequest) {

    /** The suffix of a metric's gap to the retrained reference: {@code forget.accuracy.gap}. */
    public static final String GAP_SUFFIX = ".gap";

    /**
     * @param key the key
     * @param doc what it measures
     * @return a metric every evaluation of the family computes
     */
    public static MetricSpec of(String key, String doc) {
        return new MetricSpec(key, doc, false);
    }

    /** @return the key of this metric's gap to the retrained reference */
    public String gapKey() {
        return key + GAP_SUFFIX;
    }

    @Override
    public String toString() {
        return key;
    }
}
