package io.unlearn.verifier.evaluation;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the verifier measured for one candidate, as plain numbers (no model handles), in metric order.
 *
 * @param candidate          the candidate's metrics, with {@code <metric>.gap} and {@code average.gap} when a
 *                           reference was built
 * @param parent             the parent's metrics on the same split (gaps too, when a reference was built)
 * @param reference          the retrained reference's metrics; empty when the policy names no gap metric
 * @param forgetSampleIds    the sample ids this batch set out to forget (the candidate's forget set minus the
 *                           parent's), sorted
 * @param forgetClasses      the classes this batch set out to forget, sorted
 */
public record Measurements(Map<String, Double> candidate, Map<String, Double> parent, Map<String, Double> reference,
                           List<String> forgetSampleIds, List<Integer> forgetClasses) {

    public Measurements {
        candidate = Collections.unmodifiableMap(new LinkedHashMap<>(candidate));
        parent = Collections.unmodifiableMap(new LinkedHashMap<>(parent));
        reference = Collections.unmodifiableMap(new LinkedHashMap<>(reference));
        forgetSampleIds = List.copyOf(forgetSampleIds);
        forgetClasses = List.copyOf(forgetClasses);
    }
}
