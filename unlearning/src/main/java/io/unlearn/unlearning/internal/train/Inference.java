package io.unlearn.unlearning.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.internal.model.Network;
import io.unlearn.unlearning.spi.ImageSet;

/** Evaluation-mode forward passes over a set of samples, in batches, keeping only Java arrays. */
public final class Inference {

    /** Samples per forward batch. */
    public static final int BATCH = 500;

    private Inference() {
    }

    /**
     * What the network says about each sample.
     *
     * @param predicted arg-max class per sample
     * @param loss cross-entropy per sample
     * @param embeddings z per sample, or null when not requested
     */
    public record Predictions(int[] predicted, float[] loss, float[][] embeddings) {

        /**
         * @param set the images the predictions were made on
         * @param positions the positions, in prediction order
         * @return the fraction predicted correctly (NaN when empty)
         */
        public double accuracy(ImageSet set, int[] positions) {
            if (positions.length == 0) {
                return Double.NaN;
            }
            int ok = 0;
            for (int i = 0; i < positions.length; i++) {
                ok += predicted[i] == set.label(positions[i]) ? 1 : 0;
            }
            return (double) ok / positions.length;
        }
    }

    /**
     * Runs the network over samples.
     *
     * @param network the model
     * @param set the images
     * @param positions which samples
     * @param keepEmbeddings whether to return z
     * @param cost where forward passes are counted, or null
     * @return per-sample predictions and losses
     */
    public static Predictions run(Network network, ImageSet set, int[] positions, boolean keepEmbeddings,
            CostMeter cost) {
        int n = positions.length;
        int[] predicted = new int[n];
        float[] loss = new float[n];
        float[][] embeddings = keepEmbeddings ? new float[n][] : null;
        for (int from = 0; from < n; from += BATCH) {
            int to = Math.min(n, from + BATCH);
            int[] chunk = java.util.Arrays.copyOfRange(positions, from, to);
            try (NDManager m = network.djlModel().getNDManager().newSubManager()) {
                NDList out = network.forward(new ParameterStore(m, false), Batches.images(m, set, chunk), false);
                NDArray logits = out.get(1);
                int[] p = logits.argMax(1).toType(ai.djl.ndarray.types.DataType.INT32, false).toIntArray();
                float[] l = Losses.crossEntropyPerSample(logits, Batches.labels(m, set, chunk)).toFloatArray();
                System.arraycopy(p, 0, predicted, from, p.length);
                System.arraycopy(l, 0, loss, from, l.length);
                if (keepEmbeddings) {
                    float[] z = out.get(0).toFloatArray();
                    int e = z.length / chunk.length;
                    for (int i = 0; i < chunk.length; i++) {
                        embeddings[from + i] = java.util.Arrays.copyOfRange(z, i * e, (i + 1) * e);
                    }
                }
            }
            if (cost != null) {
                cost.forward(to - from);
            }
        }
        return new Predictions(predicted, loss, embeddings);
    }

    /**
     * @param network the model
     * @param set the images
     * @param positions which samples
     * @param cost where forward passes are counted, or null
     * @return accuracy on those samples
     */
    public static double accuracy(Network network, ImageSet set, int[] positions, CostMeter cost) {
        return run(network, set, positions, false, cost).accuracy(set, positions);
    }
}
