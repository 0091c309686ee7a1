package io.unlearn.unlearning.internal.methods;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class ContrastiveLossTest {

    private static float loss(float[][] zf, int[] yf, float[][] zr, int[] yr, float tau) {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray f = m.create(flat(zf), new Shape(zf.length, zf[0].length));
            NDArray r = m.create(flat(zr), new Shape(zr.length, zr[0].length));
            return ContrastiveLoss.of(f, m.create(yf), r, m.create(yr), tau).getFloat();
        }
    }

    private static float[] flat(float[][] a) {
        float[] out = new float[a.length * a[0].length];
        for (int i = 0; i < a.length; i++) {
            System.arraycopy(a[i], 0, out, i * a[i].length, a[i].length);
        }
        return out;
    }

    @Test
    void shouldEqualTheHandComputedValueOnATinyBatch() {
        // tau = 0.5; forget u1 = (1,0) label 0, u2 = (0,1) label 1
        // retain a1 = (1,0) label 0, a2 = (0,1) label 1, a3 = (0.6,0.8) label 2
        // u1: s = (2, 0, 1.2); P = {a1}: log e^2 = 2; N = {a2, a3}: mean s = 0.6; term = 0.6 - 2 = -1.4
        // u2: s = (0, 2, 1.6); P = {a2}: 2;           N = {a1, a3}: mean s = 0.8; term = 0.8 - 2 = -1.2
        // L_UL = -(1/2)(-1.4 - 1.2) = 1.3
        float value = loss(new float[][] {{1, 0}, {0, 1}}, new int[] {0, 1},
                new float[][] {{1, 0}, {0, 1}, {0.6f, 0.8f}}, new int[] {0, 1, 2}, 0.5f);

        assertEquals(1.3f, value, 1e-5f);
    }

    @Test
    void shouldTakeTheLogTermAsZeroWhenNoRetainSampleSharesTheForgetLabel() {
        // class unlearning: u1 = (1,0) label 0; retain a2 = (0,1) label 1, a3 = (0.6,0.8) label 2
        // P empty -> 0; N mean s = (0 + 1.2) / 2 = 0.6; L_UL = -0.6
        float value = loss(new float[][] {{1, 0}}, new int[] {0}, new float[][] {{0, 1}, {0.6f, 0.8f}},
                new int[] {1, 2}, 0.5f);

        assertEquals(-0.6f, value, 1e-5f);
    }

    @Test
    void shouldLogSumExpOverAllPositives() {
        // u1 = (1,0) label 0; retain (1,0) label 0, (0.6,0.8) label 0, (0,1) label 1; s = (2, 1.2, 0)
        // log(e^2 + e^1.2) = log(7.389056 + 3.320117) = 2.371101; N mean = 0; L_UL = 2.371101
        float value = loss(new float[][] {{1, 0}}, new int[] {0}, new float[][] {{1, 0}, {0.6f, 0.8f}, {0, 1}},
                new int[] {0, 0, 1}, 0.5f);

        assertEquals(2.371101f, value, 1e-5f);
    }
}
