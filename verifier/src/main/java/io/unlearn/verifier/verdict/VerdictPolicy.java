package io.unlearn.verifier.verdict;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.MetricSpec;
import io.unlearn.catalog.Threshold;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Applies a policy's thresholds, in order, to measured metrics. A threshold whose metric was not measured fails
 * (a typo in a policy must not pass silently); a policy without thresholds passes and says so. Where the evaluation
 * reports a metric's uncertainty ({@link MetricSpec#CI95_SUFFIX}), its check fails only when the whole 95 % interval
 * is on the wrong side of the bound, and the reason shows the interval.
 *
 * <p>Reason text, failing checks first, each with its margin:
 * <pre>
 * failed 1 of 2 checks: forget.accuracy 0.62 &gt; 0.2 (misses by 0.42); passed: retain.accuracy 0.94 &gt;= 0.8 (margin 0.14)
 * passed all 2 checks: forget.accuracy 0.05 &lt;= 0.2 (margin 0.15), retain.accuracy 0.94 &gt;= 0.8 (margin 0.14)
 * </pre>
 */
public final class VerdictPolicy {

    private static final MathContext FIGURES = new MathContext(4);

    private VerdictPolicy() {
    }

    /**
     * @param thresholds the policy's checks, in order
     * @param metrics    the candidate's measured metrics (gaps included when a reference was built)
     * @return the verdict with every check
     */
    public static Verdict judge(List<Threshold> thresholds, Map<String, Double> metrics) {
        List<Check> checks = new ArrayList<>(thresholds.size());
        for (Threshold t : thresholds) {
            Double value = metrics.get(t.metric());
            double v = value == null ? Double.NaN : value;
            Double ci = metrics.get(t.metric() + MetricSpec.CI95_SUFFIX);
            double halfWidth = ci == null || ci.isNaN() ? 0 : ci;
            // The end of the interval nearest the bound: a violation must be shown, not merely possible.
            double nearest = t.comparator() == Comparator.AT_MOST ? v - halfWidth : v + halfWidth;
            checks.add(new Check(t.metric(), v, t.comparator().symbol(), t.threshold(), t.passes(nearest),
                    halfWidth));
        }
        boolean passed = checks.stream().allMatch(Check::passed);
        return new Verdict(passed, checks, reason(checks, metrics));
    }

    private static String reason(List<Check> checks, Map<String, Double> metrics) {
        if (checks.isEmpty()) {
            return "passed: the policy has no thresholds, so nothing was checked";
        }
        List<Check> failed = checks.stream().filter(c -> !c.passed()).toList();
        List<Check> passed = checks.stream().filter(Check::passed).toList();
        if (failed.isEmpty()) {
            return "passed all " + checks.size() + " checks: " + describeAll(passed, metrics);
        }
        String text = "failed " + failed.size() + " of " + checks.size() + " checks: " + describeAll(failed, metrics);
        return passed.isEmpty() ? text : text + "; passed: " + describeAll(passed, metrics);
    }

    private static String describeAll(List<Check> checks, Map<String, Double> metrics) {
        return checks.stream().map(c -> describe(c, metrics)).collect(Collectors.joining(", "));
    }

    /** One check as text, e.g. {@code forget.accuracy 0.62 > 0.2 (misses by 0.42)}. */
    public static String describe(Check c, Map<String, Double> metrics) {
        if (!c.measured()) {
            return c.metric() + " was not measured (needed " + c.comparator() + " " + format(c.threshold())
                    + "; measured: " + String.join(", ", metrics.keySet()) + ")";
        }
        String value = format(c.value()) + (c.ci95() > 0 ? " ± " + format(c.ci95()) : "");
        if (c.ci95() >= 0.5) {
            return c.metric() + " " + value + " " + c.comparator() + " " + format(c.threshold())
                    + " (no evidence either way on this forget set: not decided by this check)";
        }
        if (c.passed()) {
            return c.metric() + " " + value + " " + c.comparator() + " " + format(c.threshold())
                    + (c.margin() >= 0 ? " (margin " + format(c.margin()) + ")"
                    : " (within its 95 % interval; misses by " + format(-c.margin()) + " as measured)");
        }
        String violated = c.comparator().equals("<=") ? ">" : "<";
        return c.metric() + " " + value + " " + violated + " " + format(c.threshold())
                + " (misses by " + format(-c.margin()) + ")";
    }

    /** Four significant figures, no exponent, no trailing zeros: 0.4200001 -> 0.42. */
    public static String format(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            return Double.toString(v);
        }
        return new BigDecimal(v).round(FIGURES).stripTrailingZeros().toPlainString();
    }
}
