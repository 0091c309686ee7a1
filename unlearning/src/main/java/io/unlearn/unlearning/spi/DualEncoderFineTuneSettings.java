package io.unlearn.unlearning.spi;

/**
 * Settings of fine-tuning a dual encoder on the retain pairs with the CLIP loss (Adam), relying on catastrophic
 * forgetting of D_f.
 *
 * @param epochs passes over D_r; default 1
 * @param batchSize pairs per step; default 128 (range 2..)
 * @param learningRate Adam learning rate; default 1e-4
 * @param seed shuffling seed; default 42
 */
public record DualEncoderFineTuneSettings(int epochs, int batchSize, float learningRate, long seed) {

    /** Validates the values. */
    public DualEncoderFineTuneSettings {
        if (epochs < 1 || batchSize < 2 || !(learningRate > 0 && learningRate < 1)) {
            throw new IllegalArgumentException("dual-encoder fine_tune needs epochs >= 1, batchSize >= 2,"
                    + " 0 < learningRate < 1; got " + epochs + ", " + batchSize + ", " + learningRate);
        }
    }

    /** @return the defaults: 1 epoch, batch 128, Adam 1e-4, seed 42 */
    public static DualEncoderFineTuneSettings defaults() {
        return new DualEncoderFineTuneSettings(1, 128, 1e-4f, 42L);
    }
}
