package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.UnlearningData;
import java.util.Random;

/**
 * The forget target the dual-encoder methods stop on, checked on fixed random subsets of D_f and D_t:
 *
 * <ul>
 *   <li>class request: zero-shot accuracy on D_f's images ≤ {@code classStopAccuracy} (the model retrained without
 *       the class never predicts it);</li>
 *   <li>sample request: mean pair cosine u·v on D_f ≤ that on D_t, i.e. the forget pairs are matched no better than
 *       pairs the model never saw.</li>
 * </ul>
 */
final class ForgetTarget {

    private final UnlearningData data;
    private final int[] forgetProbe;
    private final int[] testProbe;
    private final float classStopAccuracy;
    private final CostMeter cost;
    private double forgetMetric = Double.NaN;
    private double threshold = Double.NaN;

    ForgetTarget(UnlearningData data, int samples, float classStopAccuracy, Random random, CostMeter cost) {
        this.data = data;
        this.classStopAccuracy = classStopAccuracy;
        this.cost = cost;
        forgetProbe = Batches.sample(data.forgetPositions(), samples, random);
        testProbe = data.classLevel() ? new int[0] : Batches.sample(data.testPositions(), samples, random);
    }

    boolean reached(DualEncoderModel model) {
        if (data.classLevel()) {
            forgetMetric = PairInference.zeroShotAccuracy(model, data.train(), forgetProbe, cost);
            threshold = classStopAccuracy;
        } else {
            forgetMetric = PairInference.mean(PairInference.pairCosines(model, data.train(), forgetProbe, cost));
            threshold = PairInference.mean(PairInference.pairCosines(model, data.test(), testProbe, cost));
        }
        return forgetMetric <= threshold;
    }

    double forgetMetric() {
        return forgetMetric;
    }

    String describe() {
        return data.classLevel()
                ? String.format("forget zero-shot accuracy %.4f vs classStopAccuracy %.4f", forgetMetric, threshold)
                : String.format("forget pair cosine %.4f vs test pair cosine %.4f", forgetMetric, threshold);
    }
}
