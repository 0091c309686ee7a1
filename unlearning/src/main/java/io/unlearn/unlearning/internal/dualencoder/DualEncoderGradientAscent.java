package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import ai.djl.ndarray.NDArray;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.GradientAscentSettings;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * Gradient ascent on the forget pairs' contrastive loss, with retain descent (NegGrad+ for dual encoders):
 *
 * <pre>
 *   L = −CLIP(B_f) + w · CLIP(B_r)          w = retainWeight (0: pure ascent)
 * </pre>
 *
 * <p>It stops at the first check (every {@code checkEverySteps} steps, and before the first) that meets the same
 * {@link ForgetTarget} as CLIPErase, or at {@code maxSteps}. Ascent is unbounded, so stopping at the target is what
 * keeps it from destroying the model.
 */
public final class DualEncoderGradientAscent implements UnlearningMethod {

    private final GradientAscentSettings settings;

    /** @param settings learning rate, batch sizes, retain weight, stop rule ({@link GradientAscentSettings#defaults()}) */
    public DualEncoderGradientAscent(GradientAscentSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return DualEncoderFamily.GRADIENT_ASCENT;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        DualEncoderModel child = DualEncoderMethods.dualEncoder(parent, method()).copy();
        return DualEncoderMethods.closeOnFailure(child, () -> {
            Random random = new Random(settings.seed());
            ForgetTarget target = new ForgetTarget(data, settings.stopRuleSamples(), settings.classStopAccuracy(),
                    random, cost);
            int[] retain = data.retainPositions();
            DualEncoderMethods.Cycle forgetBatches = new DualEncoderMethods.Cycle(data.forgetPositions(),
                    settings.forgetBatchSize(), random);
            Progress progress = new Progress("gradient_ascent", 0);
            int steps = 0;
            String reason = "max steps (" + settings.maxSteps() + ") reached";
            try (PairSteps optimizer = new PairSteps(child, GradientSteps.adam(settings.learningRate()), cost,
                    progress)) {
                for (; steps <= settings.maxSteps(); steps++) {
                    if (steps % settings.checkEverySteps() == 0 && target.reached(child)) {
                        reason = target.describe();
                        break;
                    }
                    if (steps == settings.maxSteps()) {
                        break;
                    }
                    int[] forget = forgetBatches.next();
                    if (forget.length < 2) {
                        forget = forgetBatches.next(); // a shuffle's last batch of one pair has nothing to contrast
                    }
                    int[] forgetBatch = forget;
                    int[] retainBatch = Batches.sample(retain, settings.retainBatchSize(), random);
                    optimizer.step(step -> {
                        PairSteps.Embedded f = step.pairs(data.train(), forgetBatch);
                        NDArray ascent = ClipLosses.clip(f.images(), f.texts(), f.scale()).neg();
                        if (settings.retainWeight() == 0) {
                            return ascent;
                        }
                        PairSteps.Embedded r = step.pairs(data.train(), retainBatch);
                        return ascent.add(ClipLosses.clip(r.images(), r.texts(), r.scale())
                                .mul(settings.retainWeight()));
                    });
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
}
