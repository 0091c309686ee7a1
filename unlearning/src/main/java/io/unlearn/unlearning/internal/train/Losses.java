package io.unlearn.unlearning.internal.train;

import ai.djl.ndarray.NDArray;

/** Loss formulas shared by methods. */
public final class Losses {

    private Losses() {
    }

    /**
     * Per-sample cross-entropy {@code -log softmax(logits)[y]}.
     *
     * @param logits (N, classes)
     * @param labels (N), int
     * @return (N)
     */
    public static NDArray crossEntropyPerSample(NDArray logits, NDArray labels) {
        NDArray logp = logits.logSoftmax(1);
        return logp.mul(labels.oneHot((int) logits.getShape().get(1), logp.getDataType())).sum(new int[] {1}).neg();
    }

    /**
     * Mean cross-entropy.
     *
     * @param logits (N, classes)
     * @param labels (N), int
     * @return scalar
     */
    public static NDArray crossEntropy(NDArray logits, NDArray labels) {
        return crossEntropyPerSample(logits, labels).mean();
    }
}
