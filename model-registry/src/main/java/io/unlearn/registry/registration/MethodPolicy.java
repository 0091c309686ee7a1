package io.unlearn.registry.registration;

import java.util.List;
import java.util.Map;

/**
 * How a model is unlearned and when a result counts as forgotten.
 *
 * @param method                   the unlearning method tried first
 * @param settings                 the method's hyper-parameters, as strings (as they travel on CandidateVersion)
 * @param thresholds               the verification checks, in the order the verifier applies them
 * @param maxFailuresBeforeRetrain failed verifications of one batch after which the batch escalates to
 *                                 {@code retrain} (exact retraining)
 */
public record MethodPolicy(UnlearningMethodName method, Map<String, String> settings,
                           List<VerificationThreshold> thresholds, int maxFailuresBeforeRetrain) {

    public MethodPolicy {
        settings = Map.copyOf(settings);
        thresholds = List.copyOf(thresholds);
    }
}
