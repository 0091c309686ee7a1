package io.unlearn.unlearning.spi;

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

    /** @return the defaults: 4 epochs, batch 128, Adam 1e-3, seed 42 */
    public static TrainingRecipe defaults() {
        return new TrainingRecipe(4, 128, 1e-3f, 42L);
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
