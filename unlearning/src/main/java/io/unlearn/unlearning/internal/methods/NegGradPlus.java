package io.unlearn.unlearning.internal.methods;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Losses;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.NegGradPlusSettings;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * NegGrad+ (Kurmanji et al. 2023, "Towards Unbounded Machine Unlearning"): gradient descent on the retain set
 * and ascent on the forget set,
 *
 * <pre>
 *   L(θ) = α · CE(B_r; θ) − (1 − α) · CE(B_f; θ)
 * </pre>
 *
 * <p>one step per retain batch B_r, each paired with the next forget batch B_f (D_f is reshuffled when used up).
 */
public final class NegGradPlus implements UnlearningMethod {

    private final NegGradPlusSettings settings;

    /** @param settings epochs, batch size, learning rate, α, seed ({@link NegGradPlusSettings#defaults()}) */
    public NegGradPlus(NegGradPlusSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return Classifiers.NEG_GRAD_PLUS;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        ClassifierModel child = Networks.classifier(parent, method()).copy();
        return Networks.closeOnFailure(child, () -> {
            int[] retain = data.retainPositions();
            int[] forget = data.forgetPositions();
            float alpha = settings.alpha();
            Random random = new Random(settings.seed());
            Progress progress = new Progress("neg_grad_plus", (long) settings.epochs() * 2 * retain.length);
            try (GradientSteps steps = new GradientSteps(child, GradientSteps.sgd(settings.learningRate()), cost,
                    progress)) {
                List<int[]> forgetBatches = Batches.shuffled(forget, settings.batchSize(), random);
                int next = 0;
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    for (int[] retainBatch : Batches.shuffled(retain, settings.batchSize(), random)) {
                        if (next == forgetBatches.size()) {
                            forgetBatches = Batches.shuffled(forget, settings.batchSize(), random);
                            next = 0;
                        }
                        int[] forgetBatch = forgetBatches.get(next++);
                        steps.step(step -> {
                            GradientSteps.Outputs r = step.forward(data.train(), retainBatch);
                            GradientSteps.Outputs f = step.forward(data.train(), forgetBatch);
                            return Losses.crossEntropy(r.logits(), r.labels()).mul(alpha)
                                    .sub(Losses.crossEntropy(f.logits(), f.labels()).mul(1 - alpha));
                        });
                    }
                }
            }
            progress.finish();
            return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(settings.epochs()),
                    "alpha", String.valueOf(alpha)));
        });
    }
}
