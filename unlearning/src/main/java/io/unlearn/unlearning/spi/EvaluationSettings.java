package io.unlearn.unlearning.spi;

/**
 * What an evaluation computes and how much data it may use.
 *
 * @param miaMaxMembers at most this many D_f samples (and as many non-members) enter the membership-inference
 *     attack; default 2000
 * @param miaFolds stratified folds of the attack; default 10
 * @param retainSamples retain accuracy is measured on at most this many D_r samples (a fixed random subset,
 *     the same for every model given the seed); 0 = all of D_r; default 10000
 * @param probe whether to fit a linear probe on frozen embedding features (DKVB); default false
 * @param probeTrainSamples training samples the probe is fitted on; default 5000
 * @param seed sampling seed; default 7
 */
public record EvaluationSettings(int miaMaxMembers, int miaFolds, int retainSamples, boolean probe, int probeTrainSamples, long seed) {

    /** @return the defaults listed on the record */
    public static EvaluationSettings defaults() {
        return new EvaluationSettings(2000, 10, 10_000, false, 5000, 7L);
    }

    /** @return these settings with the linear probe switched on */
    public EvaluationSettings withProbe() {
        return new EvaluationSettings(miaMaxMembers, miaFolds, retainSamples, true, probeTrainSamples, seed);
    }
}
