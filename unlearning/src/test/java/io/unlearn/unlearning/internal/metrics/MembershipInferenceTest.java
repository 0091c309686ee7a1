package io.unlearn.unlearning.internal.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class MembershipInferenceTest {

    private static float[] exponential(int n, Random random, float offset) {
        float[] out = new float[n];
        for (int i = 0; i < n; i++) {
            out[i] = offset + (float) -Math.log(1 - random.nextDouble());
        }
        return out;
    }

    @Test
    void shouldScoreAboutOneHalfWhenMembersAndNonMembersComeFromOneDistribution() {
        Random random = new Random(11);
        float[] members = exponential(1000, random, 0f);
        float[] nonMembers = exponential(1000, random, 0f);

        MembershipInference.Result r = MembershipInference.attack(members, nonMembers, 1000, 10, 5);

        System.out.printf("same distribution: accuracy %.4f, auc %.4f%n", r.accuracy(), r.auc());
        assertTrue(Math.abs(r.accuracy() - 0.5) < 0.05, "accuracy " + r.accuracy());
        assertTrue(Math.abs(r.auc() - 0.5) < 0.06, "auc " + r.auc());
        assertEquals(1000, r.samplesPerSide());
    }

    @Test
    void shouldScoreAboutOneWhenMemberLossesAreAllBelowNonMemberLosses() {
        Random random = new Random(12);
        float[] members = new float[500];
        for (int i = 0; i < members.length; i++) {
            members[i] = random.nextFloat() * 0.1f;
        }
        float[] nonMembers = exponential(500, random, 1f);

        MembershipInference.Result r = MembershipInference.attack(members, nonMembers, 1000, 10, 5);

        System.out.printf("separated: accuracy %.4f, auc %.4f%n", r.accuracy(), r.auc());
        assertTrue(r.accuracy() > 0.98, "accuracy " + r.accuracy());
        assertTrue(r.auc() > 0.99, "auc " + r.auc());
    }

    @Test
    void shouldMeasureAHandfulOfMembersWithOneFoldEachAndAWideInterval() {
        // Given 4 forgotten samples, far fewer than the 10 folds asked for, and plenty of non-members
        Random random = new Random(13);
        float[] members = exponential(4, random, 0f);
        float[] nonMembers = exponential(500, random, 0f);

        MembershipInference.Result few = MembershipInference.attack(members, nonMembers, 1000, 10, 5);
        MembershipInference.Result many = MembershipInference.attack(exponential(500, random, 0f), nonMembers,
                1000, 10, 5);

        // Then it is measured on 4 per side, and its interval is far wider than a large set's
        assertEquals(4, few.samplesPerSide());
        assertTrue(few.accuracy() >= 0 && few.accuracy() <= 1, "accuracy " + few.accuracy());
        assertTrue(few.accuracyCi95() > 0.25, "ci95 " + few.accuracyCi95());
        assertTrue(many.accuracyCi95() < 0.05, "ci95 " + many.accuracyCi95());
    }

    @Test
    void shouldReportASingleMemberAsChanceWithAnIntervalCoveringEverything() {
        MembershipInference.Result one = MembershipInference.attackOrChance(new float[] {0.01f},
                exponential(500, new Random(14), 0f), 1000, 10, 5);

        assertEquals(new MembershipInference.Result(0.5, 0.5, 1, 0.5), one);
    }

    @Test
    void shouldGiveTheWilsonIntervalWhichIsNotEmptyAtTheExtremes() {
        // 8 of 8 right: Wilson's 95 % interval is [0.676, 1], half-width 0.162 around its centre
        assertEquals(0.1621, MembershipInference.wilsonHalfWidth(1.0, 8), 1e-3);
        assertEquals(MembershipInference.wilsonHalfWidth(0.3, 50), MembershipInference.wilsonHalfWidth(0.7, 50),
                1e-12);
    }

    @Test
    void shouldComputeAucAsTheShareOfCorrectlyOrderedPairsWithTiesCountingHalf() {
        // pairs (p, n): (3,1) (3,2) (3,3)=half (1,1)=half (1,2)=0 (1,3)=0 -> 3 / 6
        assertEquals(0.5, MembershipInference.auc(new double[] {3, 1}, new double[] {1, 2, 3}), 1e-12);
        assertEquals(1.0, MembershipInference.auc(new double[] {5, 6}, new double[] {1, 2}), 1e-12);
    }

    @Test
    void shouldTreatNonFiniteLossesAsTheLargestLossInsteadOfFailing() {
        // a diverged candidate: NaN losses everywhere, or infinite ones for the samples it is surest are wrong
        float[] nan = new float[200];
        java.util.Arrays.fill(nan, Float.NaN);
        MembershipInference.Result allNan = MembershipInference.attack(nan, nan.clone(), 1000, 10, 5);
        assertEquals(0.5, allNan.auc(), 1e-9, "identical losses carry no membership signal");

        float[] members = new float[200];
        float[] nonMembers = new float[200];
        for (int i = 0; i < 200; i++) {
            members[i] = Float.POSITIVE_INFINITY;
            nonMembers[i] = 0.1f + i * 0.001f;
        }
        MembershipInference.Result separated = MembershipInference.attack(members, nonMembers, 1000, 10, 5);
        assertTrue(separated.accuracy() > 0.95, "infinite member losses still separate: " + separated);
    }
}
