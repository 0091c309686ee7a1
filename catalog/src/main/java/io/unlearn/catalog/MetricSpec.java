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
     * The suffix of a metric's uncertainty, where its evaluation reports one: the half-width of its 95 % interval,
     * {@code mia.accuracy.ci95}. A threshold on the metric then fails only when the whole interval lies on the wrong
     * side of the bound: a small forget set cannot show a violation it cannot measure well, and its wide interval
     * stays in the verification record for an auditor to see.
     */
    public static final String CI95_SUFFIX = ".ci95";

    /**
     * @param key the key
     * @param doc what it measures
     * @return a metric every evaluation of the family computes
     */
    public static MetricSpec of(String key, String doc) {
        return new MetricSpec(key, doc, false);
    }

    /** @return the key of this metric's 95 % interval half-width, where its evaluation reports one */
    public String ci95Key() {
        return key + CI95_SUFFIX;
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
