package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DualEncoderFamily;

/**
 * Settings of gradient ascent on a dual encoder: minimize {@code −CLIP(B_f) + retainWeight · CLIP(B_r)} (Adam), with
 * the same forget target as {@link ClipEraseSettings} (checked every {@code checkEverySteps}; the first model that
 * meets it is returned).
 *
 * @param learningRate Adam learning rate; default 1e-4
 * @param forgetBatchSize forget pairs per step; default 64 (range 2..: the CLIP loss contrasts within the batch)
 * @param retainBatchSize retain pairs per step; default 128
 * @param retainWeight weight of the retain descent term; default 1 (0 = pure ascent)
 * @param maxSteps most optimizer steps; default 300
 * @param checkEverySteps steps between two checks of the forget target; default 5
 * @param stopRuleSamples at most this many D_f and D_t pairs are used to check the target; default 256
 * @param classStopAccuracy a class request's target: zero-shot accuracy on D_f at most this; default 0.01
 * @param seed sampling seed; default 42
 */
public record GradientAscentSettings(float learningRate, int forgetBatchSize, int retainBatchSize, float retainWeight,
        int maxSteps, int checkEverySteps, int stopRuleSamples, float classStopAccuracy, long seed) {

    /** Validates the values. */
    public GradientAscentSettings {
        if (!(learningRate > 0 && learningRate < 1) || forgetBatchSize < 2 || retainBatchSize < 2 || retainWeight < 0
                || maxSteps < 1 || checkEverySteps < 1 || stopRuleSamples < 1 || classStopAccuracy < 0) {
            throw new IllegalArgumentException("gradient_ascent settings out of range (0 < lr < 1, batches >= 2,"
                    + " retainWeight >= 0, steps, checks, samples >= 1): " + this);
        }
    }

    /** @return the catalog's defaults of the dual encoder's {@code gradient_ascent} */
    public static GradientAscentSettings defaults() {
        return from(DualEncoderFamily.GRADIENT_ASCENT.defaults());
    }

    /**
     * @param s settings of the catalog's {@code gradient_ascent}
     * @return the typed settings
     */
    public static GradientAscentSettings from(Settings s) {
        return new GradientAscentSettings(s.decimal("learningRate"), s.integer("forgetBatchSize"),
                s.integer("retainBatchSize"), s.decimal("retainWeight"), s.integer("maxSteps"),
                s.integer("checkEverySteps"), s.integer("stopRuleSamples"), s.decimal("classStopAccuracy"),
                s.whole("seed"));
    }
}
