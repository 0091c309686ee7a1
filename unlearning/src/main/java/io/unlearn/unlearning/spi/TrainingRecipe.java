package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

/**
 * The deterministic recipe that trains a classifier from scratch; retraining on D_r reuses it with the parent's
 * seed. Optimizer: Adam.
 *
 * @param epochs passes over the training data; default 4
 * @param batchSize samples per step; default 128
 * @param learningRate Adam learning rate; default 1e-3
 * @param seed seeds DJL, libtorch and the shuffling; default 42
 */
public record TrainingRecipe(int epochs, int batchSize, float learningRate, long seed) {

    /** Validates the values. */
    public TrainingRecipe {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("training recipe needs epochs >= 1, batchSize >= 1, learningRate > 0;"
                    + " got " + epochs + ", " + batchSize + ", " + learningRate);
        }
    }

    /** @return the catalog's defaults of {@code retrain} (4 epochs, batch 128, Adam 1e-3) with seed 42 */
    public static TrainingRecipe defaults() {
        return from(Classifiers.RETRAIN.defaults(), 42L);
    }

    /**
     * @param s settings of the catalog's {@code retrain}
     * @param seed the seed (retraining takes the parent's; no policy sets it)
     * @return the recipe
     */
    public static TrainingRecipe from(Settings s, long seed) {
        return new TrainingRecipe(s.integer("epochs"), s.integer("batchSize"), s.decimal("learningRate"), seed);
    }

    /**
     * @param newSeed the seed
     * @return this recipe with another seed
     */
    public TrainingRecipe withSeed(long newSeed) {
        return new TrainingRecipe(epochs, batchSize, learningRate, newSeed);
    }

    /**
     * @param newEpochs the number of epochs
     * @return this recipe with another number of epochs
     */
    public TrainingRecipe withEpochs(int newEpochs) {
        return new TrainingRecipe(newEpochs, batchSize, learningRate, seed);
    }
}
