package io.unlearn.kit.lineage;

/**
 * The keys of {@code LineageEvent.details}, per event type. Structured values (maps, lists) are JSON strings,
 * so an auditor reading the topic with any Avro consumer sees the same facts the REST API shows.
 */
public final class LineageDetails {

    /** The alias the registry moves after a PASSED verification. */
    public static final String PRODUCTION_ALIAS = "production";

    // BASE_REGISTERED
    public static final String FAMILY = "family";
    /** JSON object: the family's architecture settings. */
    public static final String ARCHITECTURE = "architecture";
    /** JSON object: {method, settings, thresholds, maxFailuresBeforeRetrain}. */
    public static final String POLICY = "policy";
    /** JSON object: {name, subjects, samples} (counts; the subject-to-sample map goes to the training manifest). */
    public static final String DATASET = "dataset";
    public static final String ARTIFACT_BYTES = "artifactBytes";

    // CANDIDATE_RECORDED
    public static final String METHOD = "method";
    /** JSON object of strings. */
    public static final String METHOD_SETTINGS = "methodSettings";
    public static final String DEVICE = "device";
    public static final String COST_WALL_TIME_MS = "cost.wallTimeMs";
    public static final String COST_FORWARD_SAMPLE_PASSES = "cost.forwardSamplePasses";
    public static final String COST_BACKWARD_SAMPLE_PASSES = "cost.backwardSamplePasses";
    public static final String ATTEMPT = "attempt";
    public static final String SEED = "seed";
    public static final String CREATED_AT = "createdAt";

    // VERIFICATION_RECORDED
    public static final String VERDICT = "verdict";
    public static final String REASON = "reason";
    /**
     * JSON list of {metric, value, comparator, threshold, passed, margin}; margin is how far inside (positive) or
     * outside (negative) the bound the value lies.
     */
    public static final String CHECKS = "checks";
    /** JSON object metric to number; likewise the two below. */
    public static final String METRICS = "metrics";
    public static final String PARENT_METRICS = "parentMetrics";
    public static final String REFERENCE_METRICS = "referenceMetrics";
    public static final String VERIFIED_AT = "verifiedAt";

    // ALIAS_MOVED
    public static final String ALIAS = "alias";
    /** The version the alias pointed to before; absent for the first move. */
    public static final String PREVIOUS_VERSION_ID = "previousVersionId";

    private LineageDetails() {
    }
}
