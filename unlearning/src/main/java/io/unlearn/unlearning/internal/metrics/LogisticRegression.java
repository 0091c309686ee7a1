package io.unlearn.unlearning.internal.metrics;

import org.tribuo.classification.sgd.linear.LinearSGDTrainer;
import org.tribuo.classification.sgd.objectives.LogMulticlass;
import org.tribuo.math.optimisers.AdaGrad;

/** Tribuo's logistic regression, configured once for the attack and the probe. */
final class LogisticRegression {

    private LogisticRegression() {
    }

    /**
     * Tribuo's {@code LogisticRegressionTrainer} settings (log-multiclass loss, AdaGrad with learning rate 1.0 and
     * epsilon 0.1, 5 epochs, mini-batch 1) with per-iteration logging switched off and a fixed seed.
     *
     * @param seed the shuffling seed
     * @return a fresh trainer (a trainer advances its generator on every {@code train}, so use one per fit)
     */
    static LinearSGDTrainer trainer(long seed) {
        return new LinearSGDTrainer(new LogMulticlass(), new AdaGrad(1.0, 0.1), 5, -1, 1, seed);
    }
}
