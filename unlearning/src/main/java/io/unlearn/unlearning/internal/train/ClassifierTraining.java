package io.unlearn.unlearning.internal.train;

import io.unlearn.unlearning.internal.model.ClassifierArchitecture;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.model.Network;
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
        try {
            fit(model, set, positions, recipe, cost, label);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    /**
     * Trains a model's current parameters in place with the recipe (its seed drives only the shuffles): how a
     * classifier whose parameters come from elsewhere, e.g. a TorchScript file, is trained before it is unlearned.
     *
     * @param model the model to update
     * @param set the images
     * @param positions the samples to train on
     * @param recipe epochs, batch size, learning rate, seed of the shuffles
     * @param cost where sample-passes are counted
     * @param label the progress label
     */
    public static void fit(Network model, ImageSet set, int[] positions, TrainingRecipe recipe, CostMeter cost,
            String label) {
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
        }
        progress.finish();
    }
}
