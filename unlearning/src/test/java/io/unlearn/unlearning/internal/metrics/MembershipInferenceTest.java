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
