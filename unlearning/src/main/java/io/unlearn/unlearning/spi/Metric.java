package io.unlearn.unlearning.spi;

import java.util.List;

/**
 * The named metrics the verifier computes. Each name is lowercase and dotted; a gap to a reference is named
 * {@code <metric>.gap}.
 */
public enum Metric {
    /** Accuracy on D_f. */
    FORGET_ACCURACY("forget.accuracy"),
    /** Accuracy on D_r. */
    RETAIN_ACCURACY("retain.accuracy"),
    /** Accuracy on D_t (retained classes only, for class-level requests). */
    TEST_ACCURACY("test.accuracy"),
    /** Loss-based membership inference: logistic-regression accuracy, mean over 10 stratified folds. */
    MIA_ACCURACY("mia.accuracy"),
    /** Loss-based membership inference: AUC of the out-of-fold logistic-regression scores. */
    MIA_AUC("mia.auc"),
    /** Mean absolute gap to the reference over forget, retain and test accuracy and MIA accuracy. */
    AVERAGE_GAP("average.gap"),
    /** Accuracy of a linear probe on frozen encoder features, on the forgotten classes' test samples. */
    PROBE_FORGET_ACCURACY("probe.forget.accuracy");

    /** The metrics whose gaps make up {@link #AVERAGE_GAP}. */
    public static final List<Metric> GAP_METRICS = List.of(FORGET_ACCURACY, RETAIN_ACCURACY, TEST_ACCURACY,
            MIA_ACCURACY);

    private final String key;

    Metric(String key) {
        this.key = key;
    }

    /** @return the dotted name, e.g. {@code forget.accuracy} */
    public String key() {
        return key;
    }

    /** @return the name of this metric's gap to a reference, e.g. {@code forget.accuracy.gap} */
    public String gapKey() {
        return key + ".gap";
    }

    @Override
    public String toString() {
        return key;
    }
}
