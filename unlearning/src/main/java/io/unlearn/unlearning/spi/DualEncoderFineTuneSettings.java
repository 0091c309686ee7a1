package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.DualEncoderFamily;

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

    /** @return the catalog's defaults of the dual encoder's {@code fine_tune} */
    public static DualEncoderFineTuneSettings defaults() {
        return from(DualEncoderFamily.FINE_TUNE.defaults());
    }

    /**
     * @param s settings of the catalog's dual-encoder {@code fine_tune}
     * @return the typed settings
     */
    public static DualEncoderFineTuneSettings from(Settings s) {
        return new DualEncoderFineTuneSettings(s.integer("epochs"), s.integer("batchSize"), s.decimal("learningRate"),
                s.whole("seed"));
    }
}
