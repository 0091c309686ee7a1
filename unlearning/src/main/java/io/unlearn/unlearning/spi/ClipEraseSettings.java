package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DualEncoderFamily;

/**
 * Settings of CLIPErase (Yang et al. 2024, arXiv 2410.23330; shared/METHODS.md section 3) on a dual encoder.
 * Adam; both towers and the logit scale are trained; the parent is the frozen original θ_o.
 *
 * @param lambdaRetain λ1, weight of the CLIP loss on retain pairs L_RM; default 1
 * @param lambdaForget λ2, weight of the forget pairs' mean cosine L_FM; default 3
 * @param lambdaConsistency λ3, weight of the consistency term L_CM (KL to the original's similarity
 *     distributions on the retain batch); default 3. 0 is the paper's ablation and skips the original's forward pass
 * @param learningRate Adam learning rate; default 3e-4 (range (0, 1)). The paper's "small" rate is for a large
 *     pre-trained CLIP; this model is small and trained at 1e-3, and a rate a few times below that keeps the number
 *     of steps to the forget target, hence the cost against retraining, low while L_CM holds the retained classes
 * @param forgetBatchSize forget pairs per step (D_f is cycled in seeded shuffles); default 64
 * @param retainBatchSize retain pairs per step, drawn from D_r minus the validation split; default 128 (range 2..)
 * @param maxSteps most optimizer steps; default 300
 * @param checkEverySteps optimizer steps between two checks of the stop rule and the validation metric;
 *     default 5 (the first check is before any step)
 * @param patienceChecks checks to go on after the forget target is first met, keeping the checkpoint with the best
 *     validation retain metric among those that meet it; default 1 (0 = stop at the first that meets it). Each
 *     check costs two probes of stopRuleSamples and validationSamples forward passes
 * @param validationSamples retain pairs held out of training to pick the checkpoint (their zero-shot accuracy);
 *     default 256
 * @param stopRuleSamples at most this many D_f and D_t pairs are used to check the forget target; default 256
 * @param classStopAccuracy a class request's forget target: zero-shot accuracy on D_f at most this; default 0.01.
 *     A sample request's target: D_f's mean pair cosine at most D_t's (the forget pairs look like unseen pairs)
 * @param seed sampling seed; default 42
 */
public record ClipEraseSettings(float lambdaRetain, float lambdaForget, float lambdaConsistency, float learningRate,
        int forgetBatchSize, int retainBatchSize, int maxSteps, int checkEverySteps, int patienceChecks,
        int validationSamples, int stopRuleSamples, float classStopAccuracy, long seed) {

    /** Validates the values. */
    public ClipEraseSettings {
        if (lambdaRetain < 0 || lambdaForget <= 0 || lambdaConsistency < 0 || !(learningRate > 0 && learningRate < 1)
                || forgetBatchSize < 1 || retainBatchSize < 2 || maxSteps < 1 || checkEverySteps < 1
                || patienceChecks < 0 || validationSamples < 1 || stopRuleSamples < 1 || classStopAccuracy < 0) {
            throw new IllegalArgumentException("cliperase settings out of range (λ1, λ3 >= 0, λ2 > 0, 0 < lr < 1,"
                    + " forget batch >= 1, retain batch >= 2, steps, checks, samples >= 1, patience >= 0): " + this);
        }
    }

    /** @return the catalog's defaults of the dual encoder's {@code cliperase} */
    public static ClipEraseSettings defaults() {
        return from(DualEncoderFamily.CLIPERASE.defaults());
    }

    /**
     * @param s settings of the catalog's {@code cliperase}
     * @return the typed settings
     */
    public static ClipEraseSettings from(Settings s) {
        return new ClipEraseSettings(s.decimal("lambdaRetain"), s.decimal("lambdaForget"), s.decimal("lambdaConsistency"),
                s.decimal("learningRate"), s.integer("forgetBatchSize"), s.integer("retainBatchSize"),
                s.integer("maxSteps"), s.integer("checkEverySteps"), s.integer("patienceChecks"),
                s.integer("validationSamples"), s.integer("stopRuleSamples"), s.decimal("classStopAccuracy"),
                s.whole("seed"));
    }

    /**
     * @param lambda λ3
     * @return these settings with another consistency weight (0: the ablation without L_CM)
     */
    public ClipEraseSettings withLambdaConsistency(float lambda) {
        return new ClipEraseSettings(lambdaRetain, lambdaForget, lambda, learningRate, forgetBatchSize,
                retainBatchSize, maxSteps, checkEverySteps, patienceChecks, validationSamples, stopRuleSamples,
                classStopAccuracy, seed);
    }

    /**
     * @param lr the learning rate
     * @return these settings with another learning rate
     */
    public ClipEraseSettings withLearningRate(float lr) {
        return new ClipEraseSettings(lambdaRetain, lambdaForget, lambdaConsistency, lr, forgetBatchSize,
                retainBatchSize, maxSteps, checkEverySteps, patienceChecks, validationSamples, stopRuleSamples,
                classStopAccuracy, seed);
    }

    /**
     * @param steps the step budget
     * @return these settings with another maximum number of steps
     */
    public ClipEraseSettings withMaxSteps(int steps) {
        return new ClipEraseSettings(lambdaRetain, lambdaForget, lambdaConsistency, learningRate, forgetBatchSize,
                retainBatchSize, steps, checkEverySteps, patienceChecks, validationSamples, stopRuleSamples,
                classStopAccuracy, seed);
    }
}
