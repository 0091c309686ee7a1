package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.GradientSteps;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.Random;

/**
 * The deterministic recipe of the dual-encoder family: seed DJL and libtorch, initialize, then {@code epochs}
 * passes of Adam on the symmetric CLIP loss ({@link ClipLosses#clip}) over seeded shuffles of the given pairs.
 */
public final class DualEncoderTraining {

    private DualEncoderTraining() {
    }

    /**
     * Trains a dual encoder from scratch.
     *
     * @param set the images; pair i is image i and its caption
     * @param positions the pairs to train on (D, or D_r for retraining)
     * @param captions the captions and prompts
     * @param recipe epochs, batch size, learning rate, seed
     * @param cost where sample-passes are counted
     * @param label the progress label
     * @return the trained model, which the caller closes
     */
    public static DualEncoderModel train(ImageSet set, int[] positions, Captions captions, DualEncoderRecipe recipe,
            CostMeter cost, String label) {
        DualEncoderArchitecture arch = DualEncoderArchitecture.defaults(set.numClasses(), set.rows(), set.cols(),
                captions.vocabulary().size());
        DualEncoderModel model = DualEncoderModel.create(arch, captions, recipe);
        try {
            Random random = new Random(recipe.seed());
            Progress progress = new Progress(label, (long) recipe.epochs() * positions.length);
            try (PairSteps steps = new PairSteps(model, GradientSteps.adam(recipe.learningRate()), cost, progress)) {
                for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                    for (int[] batch : Batches.shuffled(positions, recipe.batchSize(), random)) {
                        if (batch.length < 2) {
                            continue; // a contrastive loss needs a second pair to contrast with
                        }
                        steps.step(step -> {
                            PairSteps.Embedded e = step.pairs(set, batch);
                            return ClipLosses.clip(e.images(), e.texts(), e.scale());
                        });
                    }
                }
            }
            progress.finish();
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }
}
