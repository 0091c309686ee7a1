package io.unlearn.verifier.verdict;

/**
 * One threshold of a policy applied to one measured value: {@code value comparator threshold}.
 *
 * @param metric     the metric's name, e.g. {@code forget.accuracy}
 * @param value      the candidate's value; NaN when the metric was not measured (never passes)
 * @param comparator {@code <=} or {@code >=}
 * @param threshold  the policy's bound
 * @param passed     whether {@code value comparator threshold} holds (equality passes)
 */
public record Check(String metric, double value, String comparator, double threshold, boolean passed) {

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
