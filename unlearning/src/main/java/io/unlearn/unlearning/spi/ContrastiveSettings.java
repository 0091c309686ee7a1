package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

/**
 * Settings of contrastive unlearning (Lee et al. 2024; shared/METHODS.md section 1). SGD with momentum 0.9.
 *
 * @param omega retain mini-batches drawn per forget mini-batch; default 4
 * @param tau similarity temperature; default 0.7
 * @param lambdaUl weight of the unlearning loss; default 3
 * @param lambdaCe weight of the retain cross-entropy; default 6 (the paper: 1). Forgetting a class, the model it
 *     is judged against (retrained without the class) is better on the retained classes than the original, which
 *     confuses them with the forgotten one; a heavier retain term recovers that within the same steps. On
 *     Fashion-MNIST class 0 the average gap to retraining fell from 2.3 to 1.2 points (retain accuracy 91.3 to
 *     94.0 %, retraining 95.1 %); forgetting 1 % of samples it stayed at 0.3 points.
 * @param learningRate SGD learning rate; default 1e-3
 * @param classBatchSize forget batch size for class unlearning; default 64
 * @param sampleBatchSize forget batch size for sample unlearning; default 128
 * @param maxEpochs most passes over D_f before giving up on the stop rule; default 20
 * @param checkEverySteps optimizer steps between two stop-rule checks; default 4 (= ω: once per forget batch)
 * @param stopRuleSamples at most this many D_f and D_t samples are used to check the stop rule; default 512
 * @param classStopAccuracy class unlearning stops once accuracy on D_f is at most this; default 0.01. The paper
 *     stops at chance (1/numClasses), but the model it is judged against, retrained without the class, never
 *     predicts it: stopping at chance left a 4-point forget-accuracy gap to it and stopped before the head had
 *     unlearned to predict the class for the retained classes' look-alikes (retain accuracy 6 points below)
 * @param seed sampling seed; default 42
 */
public record ContrastiveSettings(int omega, float tau, float lambdaUl, float lambdaCe, float learningRate,
        int classBatchSize, int sampleBatchSize, int maxEpochs, int checkEverySteps, int stopRuleSamples,
        float classStopAccuracy, long seed) {

    /** @return the catalog's defaults of {@code contrastive} */
    public static ContrastiveSettings defaults() {
        return from(Classifiers.CONTRASTIVE.defaults());
    }

    /**
     * @param s settings of the catalog's {@code contrastive}
     * @return the typed settings
     */
    public static ContrastiveSettings from(Settings s) {
        return new ContrastiveSettings(s.integer("omega"), s.decimal("tau"), s.decimal("lambdaUl"),
                s.decimal("lambdaCe"), s.decimal("learningRate"), s.integer("classBatchSize"),
                s.integer("sampleBatchSize"), s.integer("maxEpochs"), s.integer("checkEverySteps"),
                s.integer("stopRuleSamples"), s.decimal("classStopAccuracy"), s.whole("seed"));
    }

    /**
     * @param lr the learning rate
     * @return these settings with another learning rate
     */
    public ContrastiveSettings withLearningRate(float lr) {
        return new ContrastiveSettings(omega, tau, lambdaUl, lambdaCe, lr, classBatchSize, sampleBatchSize,
                maxEpochs, checkEverySteps, stopRuleSamples, classStopAccuracy, seed);
    }
}
