package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

/**
 * Settings of fine-tuning on D_r (SGD with momentum 0.9).
 *
 * @param epochs passes over D_r; default 1
 * @param batchSize samples per step; default 128
 * @param learningRate SGD learning rate; default 0.01
 * @param seed shuffling seed; default 42
 */
public record FineTuneSettings(int epochs, int batchSize, float learningRate, long seed) {

    /** @return the catalog's defaults of {@code fine_tune} */
    public static FineTuneSettings defaults() {
        return from(Classifiers.FINE_TUNE.defaults());
    }

    /**
     * @param s settings of the catalog's {@code fine_tune}
     * @return the typed settings
     */
    public static FineTuneSettings from(Settings s) {
        return new FineTuneSettings(s.integer("epochs"), s.integer("batchSize"), s.decimal("learningRate"),
                s.whole("seed"));
    }
}
