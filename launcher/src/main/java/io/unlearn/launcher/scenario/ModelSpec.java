package io.unlearn.launcher.scenario;

import java.util.List;
import java.util.Map;

/**
 * A base model to train and register, with the policy the registry will hold for it.
 *
 * @param modelId                  the id requests name
 * @param family                   {@code classifier}, {@code dkvb_classifier} or {@code dual_encoder}
 * @param method                   the policy's method
 * @param settings                 the method's settings
 * @param thresholds               verification checks as {@code [metric, comparator, threshold]}
 * @param maxFailuresBeforeRetrain failed verifications before exact retraining
 * @param subjectsInManifest       whether the registration lists the data subjects (so SUBJECT requests reach
 *                                 the model); a class-level model (DKVB) takes requests that name it instead
 */
public record ModelSpec(String modelId, String family, String method, Map<String, String> settings,
                        List<List<Object>> thresholds, int maxFailuresBeforeRetrain, boolean subjectsInManifest) {

    public ModelSpec {
        settings = Map.copyOf(settings);
        thresholds = List.copyOf(thresholds);
    }
}
