package io.unlearn.unlearning.spi;

/**
 * The deterministic recipe that trains a denoiser from scratch with the eps-loss (uniform t, AdamW, constant
 * learning rate, gradient norm clipped to 1); retraining on D_r reuses it with the parent's seed.
 *
 * @param epochs passes over the training images; default 20
 * @param batchSize images per step; default 64
 * @param learningRate AdamW learning rate; default 1e-3
 * @param seed seeds DJL, libtorch, the shuffles, the noise and the timesteps; default 42
 */
public record DenoiserRecipe(int epochs, int batchSize, float learningRate, long seed) {

    /** Validates the values. */
    public DenoiserRecipe {
        if (epochs < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("denoiser recipe needs epochs >= 1, batchSize >= 1, learningRate > 0;"
                    + " got " + epochs + ", " + batchSize + ", " + learningRate);
        }
    }

    /** @return 20 epochs, batch 64, AdamW 1e-3, seed 42 */
    public static DenoiserRecipe defaults() {
        return new DenoiserRecipe(20, 64, 1e-3f, 42L);
    }
}
