package io.unlearn.unlearning.internal.families;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.spi.DenoiserEvaluationSettings;
import io.unlearn.unlearning.spi.Denoisers;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;

/** The {@code denoiser} family: SISS and its baselines, evaluated by memorization and denoising losses. */
final class DenoiserImplementation implements FamilyImplementation {

    @Override
    public FamilySpec family() {
        return DenoiserFamily.DENOISER;
    }

    @Override
    public UnlearningMethod method(Settings settings, long parentSeed) {
        // retrain takes the parent's seed from the parent model itself
        return Denoisers.method(settings);
    }

    @Override
    public Evaluation evaluate(ModelHandle model, UnlearningData data, EvaluationSettings settings) {
        return Denoisers.evaluate(model, data, DenoiserEvaluationSettings.from(settings));
    }
}
