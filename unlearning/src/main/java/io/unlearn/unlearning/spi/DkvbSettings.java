package io.unlearn.unlearning.spi;

import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

import java.util.Locale;

/**
 * Settings of DKVB unlearning by key masking (Shah et al. 2023; shared/METHODS.md section 2).
 *
 * @param mode how the keys to mask are chosen; default {@link Mode#ACTIVATIONS}
 * @param activationKeys N_a: with {@code activations}, mask the N_a keys most often selected by D_f, in one
 *     round; 0 (the default) masks every key that D_f selects more than a uniform share of its selections, in
 *     {@code activationRounds} rounds (see {@code DkvbUnlearning})
 * @param activationRounds with {@code activations} and N_a = 0, how many times the selections are counted again
 *     under the mask so far; default 2. Masked keys send D_f to its next-nearest keys, which still hold the
 *     class's values: on Fashion-MNIST class 0 one round left 1.07 % forget accuracy, two left 0.00 % (retain
 *     accuracy +0.7 points), and counting until no key stood out took 10 rounds and left 21 % retain accuracy
 * @param activationSamples with {@code activations}, at most this many D_f samples, evenly spread, are counted;
 *     default 1024. The frozen encoder's forward passes are the method's whole cost: counting all 6,000 samples of
 *     a Fashion-MNIST class took 1.5 % of retraining time, over the 1 % target
 * @param exampleCount N_e: with {@code examples}, mask every key the first N_e forget samples select;
 *     default 64
 */
public record DkvbSettings(Mode mode, int activationKeys, int activationRounds, int activationSamples,
        int exampleCount) {

    /** How keys are chosen for masking. */
    public enum Mode {
        /** Count key selections over D_f and mask the most frequent. */
        ACTIVATIONS,
        /** Mask every key selected by the first N_e forget examples. */
        EXAMPLES;

        /**
         * @param value {@code activations} or {@code examples}
         * @return the mode
         */
        public static Mode parse(String value) {
            return Mode.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
    }

    /** @return the catalog's defaults of {@code dkvb} */
    public static DkvbSettings defaults() {
        return from(Classifiers.DKVB.defaults());
    }

    /**
     * @param s settings of the catalog's {@code dkvb}
     * @return the typed settings
     */
    public static DkvbSettings from(Settings s) {
        return new DkvbSettings(Mode.parse(s.choice("mode")), s.integer("activationKeys"),
                s.integer("activationRounds"), s.integer("activationSamples"), s.integer("exampleCount"));
    }

    /**
     * @param count N_e
     * @return the examples mode with N_e = {@code count}, the other settings as these
     */
    public DkvbSettings examples(int count) {
        return new DkvbSettings(Mode.EXAMPLES, activationKeys, activationRounds, activationSamples, count);
    }
}
