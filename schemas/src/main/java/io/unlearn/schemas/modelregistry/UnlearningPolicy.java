package io.unlearn.schemas.modelregistry;

import java.util.List;
import java.util.Map;

/**
 * How a model is unlearned and when a result counts as forgotten, as registered with the model.
 *
 * @param method                   the method tried first (retrain, fine_tune, neg_grad_plus, contrastive, dkvb)
 * @param settings                 the method's hyper-parameters as strings
 * @param thresholds               the verifier's checks, in order
 * @param maxFailuresBeforeRetrain failed verifications of one batch after which it escalates to exact retraining
 */
public record UnlearningPolicy(String method, Map<String, String> settings, List<Threshold> thresholds,
                               int maxFailuresBeforeRetrain) {

    public UnlearningPolicy {
        settings = Map.copyOf(settings);
        thresholds = List.copyOf(thresholds);
    }
}
