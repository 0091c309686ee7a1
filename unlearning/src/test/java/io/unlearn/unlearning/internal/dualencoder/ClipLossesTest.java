package io.unlearn.unlearning.internal.dualencoder;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ClipLossesTest {

    // Images u1 = (1,0), u2 = (0,1); captions v1 = (1,0), v2 = (0.6,0.8): S = s · [[1, 0.6], [0, 0.8]].
    private static final float[] U = {1, 0, 0, 1};
    private static final float[] V = {1, 0, 0.6f, 0.8f};

    @Test
    void shouldEqualTheHandComputedSymmetricClipLoss() {
        // s = 1. rows: 1 − ln(e + e^0.6) = −0.512928, 0.8 − ln(1 + e^0.8) = −0.371101
        // columns: 1 − ln(e + 1) = −0.313262, 0.8 − ln(e^0.6 + e^0.8) = −0.598139
        // L = (0.512928 + 0.371101 + 0.313262 + 0.598139) / 4 = 0.448879
        try (NDManager m = NDManager.newBaseManager()) {
            float value = ClipLosses.clip(m.create(U, new Shape(2, 2)), m.create(V, new Shape(2, 2)),
                    m.create(new float[] {1f})).getFloat();

            assertEquals(0.448879f, value, 1e-5f);
        }
    }

    @Test
    void shouldScaleTheLogitsByTheLogitScale() {
        // s = 2: S = [[2, 1.2], [0, 1.6]]; the same formula gives 0.298736
        try (NDManager m = NDManager.newBaseManager()) {
            float value = ClipLosses.clip(m.create(U, new Shape(2, 2)), m.create(V, new Shape(2, 2)),
                    m.create(new float[] {2f})).getFloat();

            assertEquals(0.298736f, value, 1e-5f);
        }
    }

    @Test
    void shouldTakeTheForgetTermAsTheMeanPairCosine() {
        // u1·v1 = 1, u2·v2 = 0.8: L_FM = 0.9
        try (NDManager m = NDManager.newBaseManager()) {
            float value = ClipLosses.forgetMatch(m.create(U, new Shape(2, 2)), m.create(V, new Shape(2, 2)))
                    .getFloat();

            assertEquals(0.9f, value, 1e-6f);
        }
    }

    @Test
    void shouldSumTheImageAndTextSideKlToTheOriginalsDistributions() {
        // original: v_o = (1,0), (0,1), s_o = 1: S_o = I. current: S as above, s = 1.
        // image side (rows): KL(softmax(1,0) ‖ softmax(1,0.6)) and KL(softmax(0,1) ‖ softmax(0,0.8)), mean 0.021220
        // text side (columns): KL(softmax(1,0) ‖ softmax(1,0)) = 0 and KL(softmax(0,1) ‖ softmax(0.6,0.8)), mean
        // 0.034862; L_CM = 0.056082
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray u = m.create(U, new Shape(2, 2));
            float value = ClipLosses.consistency(u, m.create(V, new Shape(2, 2)), m.create(new float[] {1f}), u,
                    m.create(new float[] {1, 0, 0, 1}, new Shape(2, 2)), m.create(new float[] {1f})).getFloat();

            assertEquals(0.056082f, value, 1e-5f);
        }
    }

    @Test
    void shouldGiveZeroConsistencyLossWhenTheModelIsTheOriginal() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray u = m.create(U, new Shape(2, 2));
            NDArray v = m.create(V, new Shape(2, 2));
            NDArray s = m.create(new float[] {3f});

            assertEquals(0f, ClipLosses.consistency(u, v, s, u, v, s).getFloat(), 1e-6f);
        }
    }
}
