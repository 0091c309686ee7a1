package io.unlearn.unlearning.internal.denoiser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

/** SISS's importance weights and both loss terms against a direct computation on tiny tensors. */
class SissBatchTest {

    private static final double[] ALPHA_BARS = NoiseSchedule.defaults().alphaBars();

    @Test
    void shouldMatchTheDirectFormulaForMixtureInputsTargetsAndWeights() {
        // Given two pairs of 3-pixel images, pair 0 noised around x, pair 1 around a
        float[] x = {0.1f, -0.2f, 0.3f, 0.5f, 0.5f, -0.5f};
        float[] a = {-0.4f, 0.2f, 0.0f, 0.4f, 0.6f, -0.4f};
        float[] eps = {0.3f, -1.1f, 0.7f, 1.2f, -0.4f, 0.05f};
        int[] t = {900, 700};
        boolean[] fromDeleted = {false, true};
        double lambda = 0.5;

        // When
        SissBatch batch = SissBatch.of(x, a, eps, t, fromDeleted, lambda, ALPHA_BARS);

        // Then every value equals the formula computed here directly
        for (int i = 0; i < 2; i++) {
            double gamma = Math.sqrt(ALPHA_BARS[t[i]]);
            double sigma = Math.sqrt(1 - ALPHA_BARS[t[i]]);
            double dx = 0;
            double da = 0;
            for (int j = 3 * i; j < 3 * i + 3; j++) {
                double m = gamma * (fromDeleted[i] ? a[j] : x[j]) + sigma * eps[j];
                assertEquals(m, batch.retained().m()[j], 1e-6);
                assertEquals(m, batch.deleted().m()[j], 1e-6);
                assertEquals((m - gamma * x[j]) / sigma, batch.retained().target()[j], 1e-5);
                assertEquals((m - gamma * a[j]) / sigma, batch.deleted().target()[j], 1e-5);
                dx += Math.pow(m - gamma * x[j], 2) / (2 * sigma * sigma);
                da += Math.pow(m - gamma * a[j], 2) / (2 * sigma * sigma);
            }
            // q_lambda(m) = (1 - lambda) N(m; gamma x) + lambda N(m; gamma a): w_x = N(m; gamma x) / q_lambda(m)
            double nx = Math.exp(-dx);
            double na = Math.exp(-da);
            double q = (1 - lambda) * nx + lambda * na;
            assertEquals(nx / q, batch.retained().weights()[i], 1e-5, "w_x of pair " + i);
            assertEquals(na / q, batch.deleted().weights()[i], 1e-5, "w_a of pair " + i);
            assertEquals(t[i], batch.retained().t()[i]);
        }
    }

    @Test
    void shouldGiveFiniteLimitWeightsWhereTheDirectExponentialsOverflow() {
        // Given images that differ strongly at a timestep with almost no noise: d_x - d_a is about -1e5
        float[] x = {1f, 1f, 1f, 1f};
        float[] a = {-1f, -1f, -1f, -1f};
        float[] eps = {0.1f, 0.2f, -0.3f, 0.4f};

        // When
        SissBatch batch = SissBatch.of(x, a, eps, new int[] {0}, new boolean[] {false}, 0.5, ALPHA_BARS);

        // Then the naive formula overflows, the computed weights are its limits: w_x = 1/(1-lambda), w_a = 0
        double sigma2 = 1 - ALPHA_BARS[0];
        double naiveDa = 4 * Math.pow(2 * Math.sqrt(ALPHA_BARS[0]), 2) / (2 * sigma2);
        assertTrue(Double.isInfinite(Math.exp(naiveDa)), "the direct exponential must overflow here");
        assertEquals(2.0, batch.retained().weights()[0], 1e-6);
        assertEquals(0.0, batch.deleted().weights()[0], 1e-9);
        double[] other = SissBatch.weights(1e6, 0.5);
        assertEquals(0.0, other[0], 1e-9);
        assertEquals(2.0, other[1], 1e-6);
        double[] lambdaZero = SissBatch.weights(-3, 0);
        assertEquals(1.0, lambdaZero[0], 1e-12, "lambda 0 leaves the retained term unweighted");
        assertEquals(Math.exp(-3), lambdaZero[1], 1e-12);
    }

    @Test
    void shouldComputeEachWeightedLossTermAsTheMeanOfWeightedPerImageSquaredErrors() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // Given two 2x2 predictions, targets and weights
            float[] p = {0.5f, -0.5f, 1f, 0f, 2f, 0f, 0f, 1f};
            float[] target = {0f, 0f, 0f, 0f, 1f, 1f, 1f, 1f};
            float[] w = {0.25f, 3f};
            Shape shape = new Shape(2, 1, 2, 2);

            // When
            NDArray loss = DenoiserSteps.weightedLoss(manager.create(p, shape), manager.create(target, shape),
                    manager.create(w));

            // Then
            double image0 = (0.25 + 0.25 + 1 + 0) / 4.0;
            double image1 = (1 + 1 + 1 + 0) / 4.0;
            assertEquals((0.25 * image0 + 3 * image1) / 2, loss.getFloat(), 1e-6);
        }
    }
}
