package io.unlearn.unlearning.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.internal.model.ClassifierModel;
import io.unlearn.unlearning.internal.model.DkvbArchitecture;
import io.unlearn.unlearning.internal.model.DkvbModel;
import io.unlearn.unlearning.spi.DkvbRecipe;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Builds a DKVB classifier on a trained classifier: keys by k-means on the training embeddings' per-head
 * projections (then frozen), values by Adam on cross-entropy over the cached key selections.
 */
public final class DkvbTraining {

    private DkvbTraining() {
    }

    /**
     * Builds and trains the bottleneck.
     *
     * @param classifier the trained classifier whose embedding becomes the frozen encoder (not modified)
     * @param set the training images
     * @param positions the samples to fit keys and values on
     * @param recipe sizes and training settings
     * @param cost where sample-passes are counted
     * @return the DKVB model, which the caller closes
     */
    public static DkvbModel train(ClassifierModel classifier, ImageSet set, int[] positions, DkvbRecipe recipe,
            CostMeter cost) {
        DkvbArchitecture arch = new DkvbArchitecture(recipe.codebooks(), recipe.keysPerCodebook(), recipe.keyDim());
        DkvbModel model = DkvbModel.create(classifier, arch, recipe.seed());
        try {
            Random random = new Random(recipe.seed());
            int[] kmeansPositions = Batches.sample(positions, recipe.kmeansSamples(), random);
            float[][] q = queries(model, set, kmeansPositions, cost);
            model.setKeys(kmeans(q, arch, recipe.kmeansIterations(), random));
            int[][] selections = select(model, set, positions, cost);
            trainValues(model, set, positions, selections, recipe, random, cost);
            return model;
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Projects samples into the heads.
     *
     * @return per sample, C*D values in codebook-major order
     */
    private static float[][] queries(DkvbModel model, ImageSet set, int[] positions, CostMeter cost) {
        float[][] out = new float[positions.length][];
        for (int from = 0; from < positions.length; from += Inference.BATCH) {
            int[] chunk = Arrays.copyOfRange(positions, from, Math.min(positions.length, from + Inference.BATCH));
            try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
                ParameterStore ps = new ParameterStore(m, false);
                NDArray z = model.classifierBlock().embed(ps, Batches.images(m, set, chunk), false);
                float[] flat = model.dkvbBlock().queries(ps, z).toFloatArray();
                int w = flat.length / chunk.length;
                for (int i = 0; i < chunk.length; i++) {
                    out[from + i] = Arrays.copyOfRange(flat, i * w, (i + 1) * w);
                }
            }
            cost.forward(chunk.length);
        }
        return out;
    }

    /**
     * Returns, per sample, the selected key of each codebook under the model's current mask.
     *
     * @param model the DKVB model
     * @param set the images
     * @param positions which samples
     * @param cost where forward passes are counted
     * @return (N, C) key indices
     */
    public static int[][] select(DkvbModel model, ImageSet set, int[] positions, CostMeter cost) {
        return select(model, embed(model, set, positions, cost));
    }

    /**
     * Runs the frozen encoder once over {@code positions}, so that keys can be selected again under another mask
     * without running it again: the encoder is where a forward pass costs.
     *
     * @param cost where forward passes are counted, or null
     * @return the embeddings, in chunks of at most {@link Inference#BATCH} samples, each (n, E) row-major
     */
    public static List<float[]> embed(DkvbModel model, ImageSet set, int[] positions, CostMeter cost) {
        List<float[]> chunks = new ArrayList<>();
        for (int from = 0; from < positions.length; from += Inference.BATCH) {
            int[] chunk = Arrays.copyOfRange(positions, from, Math.min(positions.length, from + Inference.BATCH));
            try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
                chunks.add(model.classifierBlock().embed(new ParameterStore(m, false), Batches.images(m, set, chunk),
                        false).toFloatArray());
            }
            if (cost != null) {
                cost.forward(chunk.length);
            }
        }
        return chunks;
    }

    /**
     * Selects, for embeddings from {@link #embed}, the key of each codebook under the model's current mask.
     *
     * @return (N, C) key indices
     */
    public static int[][] select(DkvbModel model, List<float[]> embeddings) {
        int codebooks = model.dkvbBlock().architecture().codebooks();
        long embeddingSize = model.classifierBlock().architecture().embeddingDim();
        List<int[]> out = new ArrayList<>();
        for (float[] chunk : embeddings) {
            try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
                NDArray z = m.create(chunk, new Shape(chunk.length / embeddingSize, embeddingSize));
                long[] flat = model.dkvbBlock().selectKeys(new ParameterStore(m, false), z).toLongArray();
                for (int i = 0; i < flat.length / codebooks; i++) {
                    int[] row = new int[codebooks];
                    for (int j = 0; j < codebooks; j++) {
                        row[j] = (int) flat[i * codebooks + j];
                    }
                    out.add(row);
                }
            }
        }
        return out.toArray(new int[0][]);
    }

    /** Lloyd's k-means per codebook; an emptied cluster is re-seeded with a random point. */
    static float[] kmeans(float[][] q, DkvbArchitecture arch, int iterations, Random random) {
        int c = arch.codebooks();
        int k = arch.keysPerCodebook();
        int d = arch.keyDim();
        int n = q.length;
        float[] keys = new float[c * k * d];
        int[] assign = new int[n];
        for (int cb = 0; cb < c; cb++) {
            int base = cb * k * d;
            int[] init = Batches.sample(identity(n), k, random);
            for (int j = 0; j < k; j++) {
                System.arraycopy(q[init[j % init.length]], cb * d, keys, base + j * d, d);
            }
            for (int it = 0; it < iterations; it++) {
                for (int i = 0; i < n; i++) {
                    float best = Float.MAX_VALUE;
                    for (int j = 0; j < k; j++) {
                        float dist = 0;
                        for (int t = 0; t < d; t++) {
                            float diff = q[i][cb * d + t] - keys[base + j * d + t];
                            dist += diff * diff;
                        }
                        if (dist < best) {
                            best = dist;
                            assign[i] = j;
                        }
                    }
                }
                float[] sum = new float[k * d];
                int[] count = new int[k];
                for (int i = 0; i < n; i++) {
                    count[assign[i]]++;
                    for (int t = 0; t < d; t++) {
                        sum[assign[i] * d + t] += q[i][cb * d + t];
                    }
                }
                for (int j = 0; j < k; j++) {
                    for (int t = 0; t < d; t++) {
                        keys[base + j * d + t] = count[j] > 0 ? sum[j * d + t] / count[j]
                                : q[random.nextInt(n)][cb * d + t];
                    }
                }
            }
        }
        return keys;
    }

    private static void trainValues(DkvbModel model, ImageSet set, int[] positions, int[][] selections,
            DkvbRecipe recipe, Random random, CostMeter cost) {
        int[] rows = identity(positions.length);
        Progress progress = new Progress("dkvb values", (long) recipe.epochs() * positions.length);
        // values train on cached selections: the backbone is not run again, so these steps are not charged
        try (GradientSteps steps = new GradientSteps(model, GradientSteps.adam(recipe.learningRate()),
                new CostMeter(), progress)) {
            for (int epoch = 0; epoch < recipe.epochs(); epoch++) {
                List<int[]> batches = Batches.shuffled(rows, 256, random);
                for (int[] batch : batches) {
                    steps.step(step -> {
                        long[] sel = new long[batch.length * recipe.codebooks()];
                        int[] batchPositions = new int[batch.length];
                        for (int i = 0; i < batch.length; i++) {
                            batchPositions[i] = positions[batch[i]];
                            for (int j = 0; j < recipe.codebooks(); j++) {
                                sel[i * recipe.codebooks() + j] = selections[batch[i]][j];
                            }
                        }
                        NDArray s = step.manager().create(sel, new ai.djl.ndarray.types.Shape(batch.length,
                                recipe.codebooks()));
                        NDList out = step.forwardRaw(new NDList(s), batch.length);
                        return Losses.crossEntropy(out.get(0), Batches.labels(step.manager(), set, batchPositions));
                    });
                }
            }
        }
        progress.finish();
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }
}
