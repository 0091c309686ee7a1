package io.unlearn.verifier.verdict;

/**
 * One threshold of a policy applied to one measured value: {@code value comparator threshold}.
 *
 * @param metric     the metric's name, e.g. {@code forget.accuracy}
 * @param value      the candidate's value; NaN when the metric was not measured (never passes)
 * @param comparator {@code <=} or {@code >=}
 * @param threshold  the policy's bound
 * @param passed     whether {@code value comparator threshold} holds (equality passes), for the end of the value's
 *                   95 % interval nearest the bound where it has one
 * @param ci95       the half-width of the value's 95 % interval; 0 when the evaluation reports none
 */
public record Check(String metric, double value, String comparator, double threshold, boolean passed, double ci95) {

    /** A check on a value without a reported uncertainty. */
    public Check(String metric, double value, String comparator, double threshold, boolean passed) {
        this(metric, value, comparator, threshold, passed, 0);
    }

    /** Whether the metric was measured at all. */
    public boolean measured() {
        return !Double.isNaN(value);
    }

    /**
     * How far the value is on the right side of the bound: positive (or zero) when passed, negative by the amount
     * it misses when failed; NaN when not measured.
     */
    public double margin() {
        return comparator.equals("<=") ? threshold - value : value - threshold;
    }
}
