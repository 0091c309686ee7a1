package io.unlearn.unlearning.spi;

/**
 * What {@link Denoisers#evaluate} uses.
 *
 * @param generatedSamples images generated (50-step sampling) for the memorization share; default 200
 * @param lossSamples at most this many images of each of D_f, D_r and D_t enter the denoising losses (a fixed
 *     random subset); default 256
 * @param seed sampling seed (which images, the evaluation noise, the generator's start); default 7
 */
public record DenoiserEvaluationSettings(int generatedSamples, int lossSamples, long seed) {

    /** Validates the values. */
    public DenoiserEvaluationSettings {
        if (generatedSamples < 1 || lossSamples < 1) {
            throw new IllegalArgumentException("denoiser evaluation needs generatedSamples >= 1 and lossSamples >= 1;"
                    + " got " + generatedSamples + ", " + lossSamples);
        }
    }

    /** @return the defaults listed on the record */
    public static DenoiserEvaluationSettings defaults() {
        return new DenoiserEvaluationSettings(200, 256, 7L);
    }

    /**
     * The denoiser settings closest to the classifier's: the same seed, the default sizes.
     *
     * @param settings the classifier family's evaluation settings
     * @return the settings to evaluate a denoiser with
     */
    public static DenoiserEvaluationSettings from(EvaluationSettings settings) {
        return new DenoiserEvaluationSettings(defaults().generatedSamples(), defaults().lossSamples(),
                settings.seed());
    }
}
