package io.unlearn.unlearning.internal.methods;

import io.unlearn.catalog.families.Classifiers;

import ai.djl.ndarray.NDArray;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Inference;
import io.unlearn.unlearning.internal.train.Losses;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ContrastiveSettings;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Contrastive unlearning (Lee et al. 2024, arXiv 2401.10458; shared/METHODS.md section 1). All parameters are
 * updated. For each forget mini-batch B_f, ω retain mini-batches B_r of size |B_f| are drawn, one SGD step each:
 *
 * <pre>
 *   L = λ_UL · L_UL(B_f, B_r) + λ_CE · CE(B_r)          (L_UL: {@link ContrastiveLoss})
 * </pre>
 *
 * <p>In L_UL the retain embeddings are anchors (stop-gradient): only the forget embeddings are pushed, which is
 * the effect the method is after. Letting L_UL's gradient also flow into the retain embeddings pulls the
 * embeddings of all classes toward each other, and on our CNN the representation collapsed within ten steps
 * (retain accuracy at chance on the synthetic test set). The retain batch still trains all parameters through
 * λ_CE · CE(B_r).
 *
 * <p>Stop rules, checked before the first step and every {@code checkEverySteps} steps on at most
 * {@code stopRuleSamples} samples: sample unlearning stops once accuracy on D_f ≤ accuracy on D_t; class
 * unlearning stops once accuracy on D_f ≤ {@code classStopAccuracy} (the paper: 1/numClasses; see
 * {@link ContrastiveSettings#classStopAccuracy()} for why lower). Both give up after {@code maxEpochs} passes over D_f.
 */
public final class ContrastiveUnlearning implements UnlearningMethod {

    private final ContrastiveSettings settings;

    /** @param settings ω, τ, λ_UL, λ_CE, learning rate, batch sizes, stop-rule budget ({@link ContrastiveSettings#defaults()}) */
    public ContrastiveUnlearning(ContrastiveSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return Classifiers.CONTRASTIVE;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        ClassifierModel child = Networks.classifier(parent, method()).copy();
        return Networks.closeOnFailure(child, () -> {
            int[] forget = data.forgetPositions();
            int[] retain = data.retainPositions();
            int batchSize = data.classLevel() ? settings.classBatchSize() : settings.sampleBatchSize();
            Random random = new Random(settings.seed());
            StopRule stopRule = new StopRule(child, data, random, cost);
            Progress progress = new Progress("contrastive", 0);
            int steps = 0;
            String reason = "max epochs (" + settings.maxEpochs() + ") reached";
            try (GradientSteps optimizer = new GradientSteps(child, GradientSteps.sgd(settings.learningRate()), cost,
                    progress)) {
                training:
                for (int epoch = 0; epoch < settings.maxEpochs(); epoch++) {
                    for (int[] forgetBatch : Batches.shuffled(forget, batchSize, random)) {
                        for (int w = 0; w < settings.omega(); w++) {
                            if (steps % settings.checkEverySteps() == 0 && stopRule.reached()) {
                                reason = stopRule.describe();
                                break training;
                            }
                            int[] retainBatch = Batches.sample(retain, forgetBatch.length, random);
                            optimizer.step(step -> {
                                GradientSteps.Outputs f = step.forward(data.train(), forgetBatch);
                                GradientSteps.Outputs r = step.forward(data.train(), retainBatch);
                                // retain embeddings are anchors in L_UL: see the class comment
                                NDArray unlearn = ContrastiveLoss.of(f.embedding(), f.labels(),
                                        r.embedding().stopGradient(), r.labels(), settings.tau());
                                NDArray retainCe = Losses.crossEntropy(r.logits(), r.labels());
                                // L = λ_UL · L_UL + λ_CE · CE(B_r)
                                return unlearn.mul(settings.lambdaUl()).add(retainCe.mul(settings.lambdaCe()));
                            });
                            steps++;
                        }
                    }
                }
            }
            progress.finish();
            Map<String, String> details = new LinkedHashMap<>();
            details.put("steps", String.valueOf(steps));
            details.put("stop", reason);
            details.put("level", data.classLevel() ? "class" : "sample");
            return new UnlearningResult(child, method(), cost.cost(), details);
        });
    }

    /** The stop rule on a fixed random subset of D_f and D_t. */
    private final class StopRule {
        private final ClassifierModel model;
        private final UnlearningData data;
        private final int[] forgetProbe;
        private final int[] testProbe;
        private final CostMeter cost;
        private double forgetAccuracy = Double.NaN;
        private double threshold = Double.NaN;

        StopRule(ClassifierModel model, UnlearningData data, Random random, CostMeter cost) {
            this.model = model;
            this.data = data;
            this.cost = cost;
            forgetProbe = Batches.sample(data.forgetPositions(), settings.stopRuleSamples(), random);
            testProbe = data.classLevel() ? new int[0]
                    : Batches.sample(data.testPositions(), settings.stopRuleSamples(), random);
        }

        boolean reached() {
            forgetAccuracy = Inference.accuracy(model, data.train(), forgetProbe, cost);
            threshold = data.classLevel() ? settings.classStopAccuracy()
                    : Inference.accuracy(model, data.test(), testProbe, cost);
            return forgetAccuracy <= threshold;
        }

        String describe() {
            return String.format("forget accuracy %.4f <= %s %.4f", forgetAccuracy,
                    data.classLevel() ? "classStopAccuracy" : "test accuracy", threshold);
        }
    }
}
