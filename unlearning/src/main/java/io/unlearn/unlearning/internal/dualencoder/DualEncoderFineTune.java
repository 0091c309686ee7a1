package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.DualEncoderFineTuneSettings;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tuning a dual encoder on the retain pairs: starting from θ_o, minimize {@code CLIP(D_r; θ)} with Adam for a
 * few epochs, relying on catastrophic forgetting of D_f.
 */
public final class DualEncoderFineTune implements UnlearningMethod {

    private final DualEncoderFineTuneSettings settings;

    /** @param settings epochs, batch size, learning rate, seed ({@link DualEncoderFineTuneSettings#defaults()}) */
    public DualEncoderFineTune(DualEncoderFineTuneSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return DualEncoderFamily.FINE_TUNE;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        DualEncoderModel child = DualEncoderMethods.dualEncoder(parent, method()).copy();
        return DualEncoderMethods.closeOnFailure(child, () -> {
            int[] retain = data.retainPositions();
            Random random = new Random(settings.seed());
            Progress progress = new Progress("fine_tune (dual encoder)", (long) settings.epochs() * retain.length);
            try (PairSteps steps = new PairSteps(child, GradientSteps.adam(settings.learningRate()), cost,
                    progress)) {
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    for (int[] batch : Batches.shuffled(retain, settings.batchSize(), random)) {
                        if (batch.length < 2) {
                            continue;
                        }
                        steps.step(step -> {
                            PairSteps.Embedded r = step.pairs(data.train(), batch);
                            return ClipLosses.clip(r.images(), r.texts(), r.scale());
                        });
                    }
                }
            }
            progress.finish();
            return new UnlearningResult(child, method(), cost.cost(),
                    Map.of("epochs", String.valueOf(settings.epochs())));
        });
    }
}
