package io.unlearn.unlearning.spi;

/**
 * What {@link DualEncoders#evaluate} uses.
 *
 * @param gallerySize pairs in each retrieval gallery: at most half are the set's queried pairs (a fixed random
 *     subset), the rest distractor pairs from D_t (the retained classes' for a class request); default 1000
 * @param miaMaxMembers at most this many D_f pairs (and as many non-members) enter the membership-inference
 *     attack; default 2000
 * @param miaFolds stratified folds of the attack; default 10
 * @param seed sampling seed (which retain and test pairs, which distractors); default 7
 */
public record DualEncoderEvaluationSettings(int gallerySize, int miaMaxMembers, int miaFolds, long seed) {

    /** Validates the values. */
    public DualEncoderEvaluationSettings {
        if (gallerySize < 5 || miaMaxMembers < 2 || miaFolds < 2) {
            throw new IllegalArgumentException("dual-encoder evaluation needs gallerySize >= 5, miaMaxMembers >= 2,"
                    + " miaFolds >= 2; got " + gallerySize + ", " + miaMaxMembers + ", " + miaFolds);
        }
    }

    /** @return the defaults listed on the record */
    public static DualEncoderEvaluationSettings defaults() {
        return new DualEncoderEvaluationSettings(1000, 2000, 10, 7L);
    }

    /**
     * The dual-encoder settings closest to the classifier's: the same attack sizes and seed, the default gallery.
     *
     * @param settings the classifier family's evaluation settings
     * @return the settings to evaluate a dual encoder with
     */
    public static DualEncoderEvaluationSettings from(EvaluationSettings settings) {
        return new DualEncoderEvaluationSettings(defaults().gallerySize(), settings.miaMaxMembers(),
                settings.miaFolds(), settings.seed());
    }
}
