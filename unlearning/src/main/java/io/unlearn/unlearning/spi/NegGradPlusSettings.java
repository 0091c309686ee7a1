package io.unlearn.unlearning.spi;

/**
 * Settings of NegGrad+: minimize {@code alpha * CE(D_r) - (1 - alpha) * CE(D_f)} (SGD, momentum 0.9).
 *
 * @param epochs passes over D_r, each retain batch paired with the next forget batch (cycled); default 1
 * @param batchSize samples per retain and per forget batch; default 128
 * @param learningRate SGD learning rate; default 0.01
 * @param alpha weight of the retain term; default 0.95
 * @param seed shuffling seed; default 42
 */
public record NegGradPlusSettings(int epochs, int batchSize, float learningRate, float alpha, long seed) {

    /** @return the defaults: 1 epoch, batch 128, lr 0.01, alpha 0.95, seed 42 */
    public static NegGradPlusSettings defaults() {
        return new NegGradPlusSettings(1, 128, 0.01f, 0.95f, 42L);
    }
}
