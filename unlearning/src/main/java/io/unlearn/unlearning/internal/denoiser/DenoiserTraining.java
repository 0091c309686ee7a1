package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDManager;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.Random;

/**
 * Trains a denoiser from scratch with the DDPM objective {@code E_{x, t ~ U[0, T), eps} ||eps - eps_hat(gamma_t x +
 * sigma_t eps, t)||^2}: seeded shuffles, AdamW at a constant learning rate, gradient norm clipped to 1.
 */
public final class DenoiserTraining {

    private DenoiserTraining() {
    }

    /**
     * @param set the images
     * @param positions the images to train on (D, or D_r for retraining)
     * @param arch the network's sizes
     * @param schedule the noise schedule
     * @param recipe epochs, batch size, learning rate, seed
     * @param cost where sample-passes are counted
     * @param label the progress label
     * @return the trained model, which the caller closes
     */
    public static DenoiserModel train(ImageSet set, int[] positions, DenoiserArchitecture arch,
            NoiseSchedule schedule, DenoiserRecipe recipe, CostMeter cost, String label) {
        DenoiserModel model = DenoiserModel.create(arch, schedule, set.numClasses(), recipe);
        try {
            Random random = new Random(recipe.seed());
            double[] alphaBars = schedule.alphaBars();
            Progress progress = new Progress(label, (long) recipe.epochs() * positions.length);
            DenoiserSteps steps = new DenoiserSteps(model, recipe.learningRate(), 1f, cost, progress);
            for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                for (int[] batch : Batches.shuffled(positions, recipe.batchSize(), random)) {
                    try (NDManager step = steps.newStep()) {
                        NoisyBatch noisy = NoisyBatch.of(set, batch, schedule, alphaBars, random);
                        steps.apply(steps.gradient(step, noisy).grads(), batch.length);
                    }
                }
            }
            progress.finish();
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
