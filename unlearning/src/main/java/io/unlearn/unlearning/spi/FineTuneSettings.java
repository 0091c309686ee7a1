package io.unlearn.unlearning.spi;

/**
 * Settings of fine-tuning on D_r (SGD with momentum 0.9).
 *
 * @param epochs passes over D_r; default 1
 * @param batchSize samples per step; default 128
 * @param learningRate SGD learning rate; default 0.01
 * @param seed shuffling seed; default 42
 */
public record FineTuneSettings(int epochs, int batchSize, float learningRate, long seed) {

    /** @return the defaults: 1 epoch, batch 128, lr 0.01, seed 42 */
    public static FineTuneSettings defaults() {
        return new FineTuneSettings(1, 128, 0.01f, 42L);
    }
}
