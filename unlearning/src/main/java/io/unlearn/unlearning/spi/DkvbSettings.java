package io.unlearn.unlearning.spi;

import java.util.Locale;

/**
 * Settings of DKVB unlearning by key masking (Shah et al. 2023; shared/METHODS.md section 2).
 *
 * @param mode how the keys to mask are chosen; default {@link Mode#ACTIVATIONS}
 * @param activationKeys N_a: with {@code activations}, mask the N_a keys most often selected by D_f; 0 (the
 *     default) masks every key that D_f selects more often than the rest of D selects it per sample
 *     (see {@code DkvbUnlearning})
 * @param exampleCount N_e: with {@code examples}, mask every key the first N_e forget samples select;
 *     default 64
 */
public record DkvbSettings(Mode mode, int activationKeys, int exampleCount) {

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

    /** @return the defaults: activations, N_a = 0 (automatic), N_e = 64 */
    public static DkvbSettings defaults() {
        return new DkvbSettings(Mode.ACTIVATIONS, 0, 64);
    }
}
