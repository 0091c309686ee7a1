package io.unlearn.unlearning.internal.methods;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/**
 * The unlearning loss of contrastive unlearning (Lee et al. 2024, arXiv 2401.10458):
 *
 * <pre>
 *   s(u, a) = z_u · z_a / τ
 *   L_UL = −(1/|B_f|) Σ_{u ∈ B_f} (1/|N(u)|) Σ_{a ∈ N(u)} [ s(u, a) − log Σ_{p ∈ P(u)} exp s(u, p) ]
 * </pre>
 *
 * <p>P(u) are the retain samples with u's label, N(u) those with another label. When P(u) is empty (class
 * unlearning) the log term is 0; when N(u) is empty the sample contributes 0.
 */
public final class ContrastiveLoss {

    private ContrastiveLoss() {
    }

    /**
     * Computes L_UL.
     *
     * @param zForget forget embeddings (B_f, E), L2-normalized
     * @param yForget forget labels (B_f), int
     * @param zRetain retain embeddings (B_r, E), L2-normalized
     * @param yRetain retain labels (B_r), int
     * @param tau the temperature τ
     * @return scalar L_UL
     */
    public static NDArray of(NDArray zForget, NDArray yForget, NDArray zRetain, NDArray yRetain, float tau) {
        NDArray s = zForget.matMul(zRetain.transpose()).div(tau);
        NDArray positive = yForget.toType(DataType.INT64, false).expandDims(1)
                .eq(yRetain.toType(DataType.INT64, false).expandDims(0)).toType(DataType.FLOAT32, false);
        NDArray negative = positive.neg().add(1f);
        NDArray positiveCount = positive.sum(new int[] {1});
        NDArray negativeCount = negative.sum(new int[] {1});
        // log Σ_P exp s, taken as log 1 = 0 where P(u) is empty
        NDArray logSumPositive = s.exp().mul(positive).sum(new int[] {1}).add(positiveCount.eq(0f)
                .toType(DataType.FLOAT32, false)).log();
        NDArray hasNegative = negativeCount.gt(0f).toType(DataType.FLOAT32, false);
        NDArray meanNegative = s.mul(negative).sum(new int[] {1}).div(negativeCount.maximum(1f));
        NDArray perSample = meanNegative.sub(logSumPositive).mul(hasNegative);
        return perSample.mean().neg();
    }
}
