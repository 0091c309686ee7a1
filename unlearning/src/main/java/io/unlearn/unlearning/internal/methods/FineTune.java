package io.unlearn.unlearning.internal.methods;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Losses;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.FineTuneSettings;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;
import java.util.Random;

/**
 * Fine-tuning on the retain set: starting from θ_o, minimize {@code L(θ) = CE(D_r; θ)} with SGD for a few epochs,
 * relying on catastrophic forgetting of D_f.
 */
public final class FineTune implements UnlearningMethod {

    private final FineTuneSettings settings;

    /** @param settings epochs, batch size, learning rate, seed (defaults: {@link FineTuneSettings#defaults()}) */
    public FineTune(FineTuneSettings settings) {
        this.settings = settings;
    }

    @Override
    public MethodSpec method() {
        return Classifiers.FINE_TUNE;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        CostMeter cost = new CostMeter();
        ClassifierModel child = Networks.classifier(parent, method()).copy();
        return Networks.closeOnFailure(child, () -> {
            int[] retain = data.retainPositions();
            Random random = new Random(settings.seed());
            Progress progress = new Progress("fine_tune", (long) settings.epochs() * retain.length);
            try (GradientSteps steps = new GradientSteps(child, GradientSteps.sgd(settings.learningRate()), cost,
                    progress)) {
                for (int epoch = 0; epoch < settings.epochs(); epoch++) {
                    for (int[] batch : Batches.shuffled(retain, settings.batchSize(), random)) {
                        steps.step(step -> {
                            GradientSteps.Outputs r = step.forward(data.train(), batch);
                            return Losses.crossEntropy(r.logits(), r.labels());
                        });
                    }
                }
            }
            progress.finish();
            return new UnlearningResult(child, method(), cost.cost(), Map.of("epochs", String.valueOf(settings.epochs())));
        });
    }
}
