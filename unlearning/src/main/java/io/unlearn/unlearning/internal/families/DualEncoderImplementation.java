package io.unlearn.unlearning.internal.families;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DualEncoderFamily;
import io.unlearn.unlearning.spi.DualEncoderEvaluationSettings;
import io.unlearn.unlearning.spi.DualEncoders;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;

/** The {@code dual_encoder} family: CLIPErase and its baselines, evaluated by zero-shot, retrieval and MIA. */
final class DualEncoderImplementation implements FamilyImplementation {

    @Override
    public FamilySpec family() {
        return DualEncoderFamily.DUAL_ENCODER;
    }

    @Override
    public UnlearningMethod method(Settings settings, long parentSeed) {
        // retrain takes the parent's seed from the parent model itself
        return DualEncoders.method(settings);
    }

    @Override
    public Evaluation evaluate(ModelHandle model, UnlearningData data, EvaluationSettings settings) {
        return DualEncoders.evaluate(model, data, DualEncoderEvaluationSettings.from(settings));
    }
}
