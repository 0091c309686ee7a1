package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import ai.djl.ndarray.NDArray;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ClipEraseSettings;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/**
 * CLIPErase (Yang et al. 2024, arXiv 2410.23330; shared/METHODS.md section 3) on a dual encoder. Both towers are
 * updated; the parent is the frozen original θ_o. Each Adam step takes a forget batch B_f (D_f in seeded shuffles)
 * and a retain batch B_r (drawn from D_r minus a validation split):
 *
 * <pre>
 *   L = λ1 · L_RM(B_r) + λ2 · L_FM(B_f) + λ3 · L_CM(B_r; θ_o)
 *   L_RM = symmetric CLIP loss on the retain pairs          ({@link ClipLosses#clip})
 *   L_FM = mean cosine u·v of the forget pairs              ({@link ClipLosses#forgetMatch})
 *   L_CM = KL(p_o‖p) image side + text side on B_r          ({@link ClipLosses#consistency})
 * </pre>
 *
 * <p>Model selection ({@link BestCheckpoint}): every {@code checkEverySteps} steps, and before the first, the forget
 * target is checked ({@link ForgetTarget}: class zero-shot accuracy ≤ {@code classStopAccuracy}, or forget pairs'
 * cosine ≤ test pairs'); among the checked states that meet it, the one with the best zero-shot accuracy on the
 * validation split is returned, {@code patienceChecks} checks after the target is first met, or at
 * {@code maxSteps}. If the target is never met the last state is returned and the details say so.
 */
public final class ClipErase implements UnlearningMethod {

    private final ClipEraseSettings settings;

    /** @param settings λ1..λ3, learning rate, batch sizes, stop rule ({@link ClipEraseSettings#defaults()}) */
    public ClipErase(ClipEraseSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return DualEncoderFamily.CLIPERASE;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DualEncoderModel original = DualEncoderMethods.dualEncoder(parent, method());
        CostMeter cost = new CostMeter();
        DualEncoderModel child = original.copy();
        return DualEncoderMethods.closeOnFailure(child, () -> {
            Random random = new Random(settings.seed());
            int[] validation = Batches.sample(data.retainPositions(), settings.validationSamples(), random);
            int[] retain = DualEncoderMethods.minus(data.retainPositions(), validation);
            BestCheckpoint checkpoint = new BestCheckpoint(new ForgetTarget(data, settings.stopRuleSamples(),
                    settings.classStopAccuracy(), random, cost), data.train(), validation, settings.patienceChecks(),
                    cost);
            DualEncoderMethods.Cycle forgetBatches = new DualEncoderMethods.Cycle(data.forgetPositions(),
                    settings.forgetBatchSize(), random);
            Progress progress = new Progress("cliperase", 0);
            int steps = 0;
            String reason = "max steps (" + settings.maxSteps() + ") reached";
            DualEncoderModel trained = child;
            try (PairSteps optimizer = new PairSteps(trained, GradientSteps.adam(settings.learningRate()), cost,
                    progress)) {
                for (; steps <= settings.maxSteps(); steps++) {
                    if (steps % settings.checkEverySteps() == 0 && checkpoint.check(trained, steps)) {
                        reason = "forget target met, patience (" + settings.patienceChecks() + " checks) used";
                        break;
                    }
                    if (steps == settings.maxSteps()) {
                        break;
                    }
                    int[] forget = forgetBatches.next();
                    int[] retainBatch = Batches.sample(retain, settings.retainBatchSize(), random);
                    optimizer.step(step -> {
                        PairSteps.Embedded f = step.pairs(data.train(), forget);
                        PairSteps.Embedded r = step.pairs(data.train(), retainBatch);
                        NDArray lossRetain = ClipLosses.clip(r.images(), r.texts(), r.scale());
                        NDArray lossForget = ClipLosses.forgetMatch(f.images(), f.texts());
                        NDArray loss = lossRetain.mul(settings.lambdaRetain())
                                .add(lossForget.mul(settings.lambdaForget()));
                        if (settings.lambdaConsistency() > 0) { // λ3 = 0: the ablation needs no θ_o pass
                            PairSteps.Embedded o = step.frozen(original, data.train(), retainBatch);
                            NDArray lossConsistency = ClipLosses.consistency(r.images(), r.texts(), r.scale(),
                                    o.images(), o.texts(), o.scale());
                            loss = loss.add(lossConsistency.mul(settings.lambdaConsistency()));
                        }
                        return loss;
                    });
                }
            }
            progress.finish();
            DualEncoderModel result = checkpoint.result(trained);
            Map<String, String> details = new LinkedHashMap<>();
            details.put("steps", String.valueOf(steps));
            details.put("stop", reason);
            details.put("level", data.classLevel() ? "class" : "sample");
            details.put("lambdas", settings.lambdaRetain() + "," + settings.lambdaForget() + ","
                    + settings.lambdaConsistency());
            checkpoint.describe(details);
            return new UnlearningResult(result, method(), cost.cost(), details);
        });
    }
}
