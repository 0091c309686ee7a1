package io.unlearn.unlearning.internal.train;

import io.unlearn.unlearning.internal.model.ClassifierArchitecture;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.TrainingRecipe;
import java.util.Random;

/**
 * The deterministic training recipe: seed DJL and libtorch, initialize, then {@code epochs} passes of Adam on
 * mean cross-entropy over seeded shuffles of the given samples.
 */
public final class ClassifierTraining {

    private ClassifierTraining() {
    }

    /**
     * Trains a classifier from scratch.
     *
     * @param set the images
     * @param positions the samples to train on (D, or D_r for retraining)
     * @param recipe epochs, batch size, learning rate, seed
     * @param cost where sample-passes are counted
     * @param label the progress label
     * @return the trained model, which the caller closes
     */
    public static ClassifierModel train(ImageSet set, int[] positions, TrainingRecipe recipe, CostMeter cost,
            String label) {
        ClassifierModel model = ClassifierModel.create(
                ClassifierArchitecture.defaults(set.numClasses(), set.rows(), set.cols()), recipe.seed());
        Random random = new Random(recipe.seed());
        Progress progress = new Progress(label, (long) recipe.epochs() * positions.length);
        try (GradientSteps steps = new GradientSteps(model, GradientSteps.adam(recipe.learningRate()), cost,
                progress)) {
            for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                for (int[] batch : Batches.shuffled(positions, recipe.batchSize(), random)) {
                    steps.step(step -> {
                        GradientSteps.Outputs out = step.forward(set, batch);
                        return Losses.crossEntropy(out.logits(), out.labels());
                    });
                }
            }
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        progress.finish();
        return model;
    }
}
