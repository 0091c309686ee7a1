package io.unlearn.catalog;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Collections;

/**
 * How a model is unlearned and when a result counts as forgotten, registered with the model and carried unchanged
 * from the registration JSON to the lineage event, the registry's REST API, the worker and the verifier (one codec:
 * {@link PolicyCodec}); checked against the model's family by {@link FamilySpec#check(UnlearningPolicy)}.
 *
 * @param method the id of the method tried first
 * @param settings that method's settings as given (unset ones take the catalog's default); keys prefixed
 *     {@code retrain.} set the exact retraining an escalation runs
 * @param thresholds the verifier's checks, in order
 * @param maxFailuresBeforeRetrain failed verifications of one batch after which it escalates to exact retraining
 */
public record UnlearningPolicy(String method, Map<String, String> settings, List<Threshold> thresholds,
        int maxFailuresBeforeRetrain) {

    /** The prefix of settings that apply to the exact retraining of an escalation. */
    public static final String RETRAIN_PREFIX = "retrain.";

    /** Copies the collections, keeping the settings' order. */
    public UnlearningPolicy {
        settings = Collections.unmodifiableMap(new LinkedHashMap<>(settings));
        thresholds = List.copyOf(thresholds);
    }

    /** @return the settings of the first method, without the {@code retrain.*} ones */
    public Map<String, String> methodSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (!k.startsWith(RETRAIN_PREFIX)) {
                out.put(k, v);
            }
        });
        return out;
    }

    /** @return the {@code retrain.*} settings with the prefix removed */
    public Map<String, String> retrainSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        settings.forEach((k, v) -> {
            if (k.startsWith(RETRAIN_PREFIX)) {
                out.put(k.substring(RETRAIN_PREFIX.length()), v);
            }
        });
        return out;
    }
}
