package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

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

    /** @return the catalog's defaults of {@code neg_grad_plus} */
    public static NegGradPlusSettings defaults() {
        return from(Classifiers.NEG_GRAD_PLUS.defaults());
    }

    /**
     * @param s settings of the catalog's {@code neg_grad_plus}
     * @return the typed settings
     */
    public static NegGradPlusSettings from(Settings s) {
        return new NegGradPlusSettings(s.integer("epochs"), s.integer("batchSize"), s.decimal("learningRate"),
                s.decimal("alpha"), s.whole("seed"));
    }
}
