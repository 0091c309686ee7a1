package io.unlearn.unlearning.spi;

/**
 * The deterministic recipe that trains a dual encoder from scratch with the symmetric CLIP loss on image-caption
 * pairs; saved with the model, so {@code retrain} re-runs the parent's own recipe. Optimizer: Adam.
 *
 * @param epochs passes over the training pairs; default 3 (range 1..)
 * @param batchSize pairs per step (the CLIP loss contrasts each pair with the batch's others); default 128
 *     (range 2..)
 * @param learningRate Adam learning rate; default 1e-3
 * @param seed seeds DJL, libtorch and the shuffling; default 42
 */
public record DualEncoderRecipe(int epochs, int batchSize, float learningRate, long seed) {

    /** Validates the values. */
    public DualEncoderRecipe {
        if (epochs < 1 || batchSize < 2 || !(learningRate > 0)) {
            throw new IllegalArgumentException("dual-encoder recipe needs epochs >= 1, batchSize >= 2,"
                    + " learningRate > 0; got " + epochs + ", " + batchSize + ", " + learningRate);
        }
    }

    /** @return the defaults: 3 epochs, batch 128, Adam 1e-3, seed 42 */
    public static DualEncoderRecipe defaults() {
        return new DualEncoderRecipe(3, 128, 1e-3f, 42L);
    }

    /**
     * @param newSeed the seed
     * @return this recipe with another seed
     */
    public DualEncoderRecipe withSeed(long newSeed) {
        return new DualEncoderRecipe(epochs, batchSize, learningRate, newSeed);
    }

    /**
     * @param newEpochs the number of epochs
     * @return this recipe with another number of epochs
     */
    public DualEncoderRecipe withEpochs(int newEpochs) {
        return new DualEncoderRecipe(newEpochs, batchSize, learningRate, seed);
    }
}
