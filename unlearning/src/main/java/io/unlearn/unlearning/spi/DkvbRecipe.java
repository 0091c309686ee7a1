package io.unlearn.unlearning.spi;

/**
 * How a DKVB classifier is built on top of a trained classifier's frozen embedding.
 *
 * @param codebooks C, the number of codebooks (heads); default 64
 * @param keysPerCodebook K, keys per codebook; default 32
 * @param keyDim dimension of each head's random projection and of its keys; default 8
 * @param kmeansSamples training embeddings used for k-means; default 10000
 * @param kmeansIterations Lloyd iterations; default 15
 * @param epochs passes over D that train the values; default 3
 * @param learningRate Adam learning rate for the values; default 0.01
 * @param seed seeds projections, k-means and shuffling; default 42
 */
public record DkvbRecipe(int codebooks, int keysPerCodebook, int keyDim, int kmeansSamples, int kmeansIterations,
        int epochs, float learningRate, long seed) {

    /** @return the defaults listed on the record */
    public static DkvbRecipe defaults() {
        return new DkvbRecipe(64, 32, 8, 10_000, 15, 3, 0.01f, 42L);
    }
}
