package io.unlearn.verifier.verdict;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.Threshold;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerdictPolicyTest {

    private static final Threshold FORGET = new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2);
    private static final Threshold RETAIN = new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8);

    private static Map<String, Double> metrics(Object... pairs) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put((String) pairs[i], ((Number) pairs[i + 1]).doubleValue());
        }
        return m;
    }

    @Test
    void shouldPassAnAtMostCheckBelowTheBoundAndFailItAbove() {
        assertTrue(VerdictPolicy.judge(List.of(FORGET), metrics("forget.accuracy", 0.05)).passed());
        assertFalse(VerdictPolicy.judge(List.of(FORGET), metrics("forget.accuracy", 0.21)).passed());
    }

    @Test
    void shouldPassAnAtLeastCheckAboveTheBoundAndFailItBelow() {
        assertTrue(VerdictPolicy.judge(List.of(RETAIN), metrics("retain.accuracy", 0.93)).passed());
        assertFalse(VerdictPolicy.judge(List.of(RETAIN), metrics("retain.accuracy", 0.79)).passed());
    }

    @Test
    void shouldFailACheckWithAnIntervalOnlyWhenTheWholeIntervalIsOnTheWrongSide() {
        Threshold mia = new Threshold("mia.accuracy", Comparator.AT_MOST, 0.65);

        // 4 members: 0.75 measured, but 0.75 - 0.31 is within the bound: a violation is possible, not shown
        Verdict small = VerdictPolicy.judge(List.of(mia), metrics("mia.accuracy", 0.75, "mia.accuracy.ci95", 0.31));
        assertTrue(small.passed(), small.reason());
        assertEquals("passed all 1 checks: mia.accuracy 0.75 ± 0.31 <= 0.65 (within its 95 % interval; misses by 0.1"
                + " as measured)", small.reason());

        // 1 member: chance with an interval covering everything decides nothing, and says so
        Verdict one = VerdictPolicy.judge(List.of(mia), metrics("mia.accuracy", 0.5, "mia.accuracy.ci95", 0.5));
        assertTrue(one.passed(), one.reason());
        assertEquals("passed all 1 checks: mia.accuracy 0.5 ± 0.5 <= 0.65 (no evidence either way on this forget set:"
                + " not decided by this check)", one.reason());

        // 500 members: 0.75 ± 0.03 is above the bound throughout
        Verdict large = VerdictPolicy.judge(List.of(mia), metrics("mia.accuracy", 0.75, "mia.accuracy.ci95", 0.03));
        assertFalse(large.passed(), large.reason());
        assertEquals("failed 1 of 1 checks: mia.accuracy 0.75 ± 0.03 > 0.65 (misses by 0.1)", large.reason());
    }

    @Test
    void shouldPassBothComparatorsOnExactEquality() {
        Verdict v = VerdictPolicy.judge(List.of(FORGET, RETAIN), metrics("forget.accuracy", 0.2,
                "retain.accuracy", 0.8));

        assertTrue(v.passed(), v.reason());
        assertEquals(0.0, v.checks().get(0).margin());
        assertEquals(0.0, v.checks().get(1).margin());
        assertEquals("passed all 2 checks: forget.accuracy 0.2 <= 0.2 (margin 0), retain.accuracy 0.8 >= 0.8"
                + " (margin 0)", v.reason());
    }

    @Test
    void shouldReturnEveryCheckInPolicyOrderWithValueComparatorThresholdAndOutcome() {
        // Given a policy whose first check fails and second passes
        List<Threshold> policy = List.of(RETAIN, FORGET, new Threshold("mia.auc", Comparator.AT_MOST, 0.6));

        // When judged
        Verdict v = VerdictPolicy.judge(policy, metrics("forget.accuracy", 0.62, "retain.accuracy", 0.94,
                "mia.auc", 0.55, "test.accuracy", 0.9));

        // Then every check is there in policy order, with its figures
        assertFalse(v.passed());
        assertEquals(List.of(
                new Check("retain.accuracy", 0.94, ">=", 0.8, true),
                new Check("forget.accuracy", 0.62, "<=", 0.2, false),
                new Check("mia.auc", 0.55, "<=", 0.6, true)), v.checks());
        assertEquals(List.of(v.checks().get(1)), v.failed());
    }

    @Test
    void shouldNameTheFailingChecksFirstWithHowFarTheyMissAndThenThePassedOnes() {
        Verdict v = VerdictPolicy.judge(List.of(RETAIN, FORGET), metrics("forget.accuracy", 0.62,
                "retain.accuracy", 0.7));

        assertEquals("failed 2 of 2 checks: retain.accuracy 0.7 < 0.8 (misses by 0.1), forget.accuracy 0.62 > 0.2"
                + " (misses by 0.42)", v.reason());

        Verdict one = VerdictPolicy.judge(List.of(RETAIN, FORGET), metrics("forget.accuracy", 0.62,
                "retain.accuracy", 0.94));
        assertEquals("failed 1 of 2 checks: forget.accuracy 0.62 > 0.2 (misses by 0.42); passed: retain.accuracy"
                + " 0.94 >= 0.8 (margin 0.14)", one.reason());
    }

    @Test
    void shouldFailACheckWhoseMetricWasNotMeasuredAndSaySo() {
        // Given a policy naming a gap metric that the evaluation did not produce
        Verdict v = VerdictPolicy.judge(List.of(new Threshold("average.gap", Comparator.AT_MOST, 0.05)),
                metrics("forget.accuracy", 0.1));

        assertFalse(v.passed());
        assertTrue(Double.isNaN(v.checks().get(0).value()));
        assertEquals("failed 1 of 1 checks: average.gap was not measured (needed <= 0.05; measured:"
                + " forget.accuracy)", v.reason());
    }

    @Test
    void shouldPassAPolicyWithoutThresholdsAndSayNothingWasChecked() {
        Verdict v = VerdictPolicy.judge(List.of(), metrics("forget.accuracy", 0.9));

        assertTrue(v.passed());
        assertTrue(v.checks().isEmpty());
        assertTrue(v.reason().contains("no thresholds"), v.reason());
    }

    @Test
    void shouldFormatFiguresWithFourSignificantDigits() {
        assertEquals("0.42", VerdictPolicy.format(0.62 - 0.2));
        assertEquals("0.1235", VerdictPolicy.format(0.123456));
        assertEquals("12350", VerdictPolicy.format(12345.6));
        assertEquals("0", VerdictPolicy.format(0.0));
        assertEquals("NaN", VerdictPolicy.format(Double.NaN));
    }
}
