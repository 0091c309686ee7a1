package io.unlearn.unlearning.internal.dualencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Evaluation-mode embeddings of a dual encoder, in batches, kept as Java arrays; and what the metrics and stop
 * rules build from them: pair cosines and zero-shot classification.
 */
public final class PairInference {

    /** Images per forward batch. */
    public static final int BATCH = 500;

    private PairInference() {
    }

    /**
     * @param model the model
     * @param set the images
     * @param positions which images
     * @param cost where forward passes are counted, or null
     * @return u per image, unit rows
     */
    public static float[][] images(DualEncoderModel model, ImageSet set, int[] positions, CostMeter cost) {
        float[][] out = new float[positions.length][];
        for (int from = 0; from < positions.length; from += BATCH) {
            int[] chunk = Arrays.copyOfRange(positions, from, Math.min(positions.length, from + BATCH));
            try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
                NDArray u = model.block().embedImages(new ParameterStore(m, false), Batches.images(m, set, chunk),
                        false);
                rows(u.toFloatArray(), chunk.length, out, from);
            }
            if (cost != null) {
                cost.forward(chunk.length);
            }
        }
        return out;
    }

    /**
     * @param model the model
     * @param texts the texts (duplicates are embedded once)
     * @return v per distinct text, unit rows
     */
    public static Map<String, float[]> texts(DualEncoderModel model, List<String> texts) {
        List<String> distinct = new ArrayList<>(new LinkedHashSet<>(texts));
        Map<String, float[]> out = new LinkedHashMap<>();
        if (distinct.isEmpty()) {
            return out;
        }
        float[][] rows = new float[distinct.size()][];
        try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
            NDArray v = model.block().embedTexts(new ParameterStore(m, false),
                    PairSteps.bags(m, model.captions(), distinct), false);
            rows(v.toFloatArray(), distinct.size(), rows, 0);
        }
        for (int i = 0; i < distinct.size(); i++) {
            out.put(distinct.get(i), rows[i]);
        }
        return out;
    }

    /**
     * The zero-shot classifier: per class, the normalized mean of its held-out prompts' embeddings (CLIP's prompt
     * ensembling).
     *
     * @param model the model
     * @return (classes, D), unit rows
     */
    public static float[][] classEmbeddings(DualEncoderModel model) {
        Captions c = model.captions();
        float[][] out = new float[c.numClasses()][];
        for (int k = 0; k < c.numClasses(); k++) {
            List<String> prompts = c.prompts(k);
            Map<String, float[]> e = texts(model, prompts);
            float[] mean = null;
            for (float[] row : e.values()) {
                if (mean == null) {
                    mean = new float[row.length];
                }
                for (int d = 0; d < row.length; d++) {
                    mean[d] += row[d];
                }
            }
            out[k] = normalized(mean);
        }
        return out;
    }

    /**
     * Zero-shot predictions: the class whose prompt embedding is most similar to the image's.
     *
     * @param images u per image
     * @param classes the class embeddings ({@link #classEmbeddings})
     * @return the predicted class per image, -1 when no score is a number
     */
    public static int[] zeroShot(float[][] images, float[][] classes) {
        int[] out = new int[images.length];
        for (int i = 0; i < images.length; i++) {
            int best = -1; // stays -1 (no class) when every score is NaN: a diverged model classifies nothing
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int k = 0; k < classes.length; k++) {
                double s = dot(images[i], classes[k]);
                if (s > bestScore) {
                    bestScore = s;
                    best = k;
                }
            }
            out[i] = best;
        }
        return out;
    }

    /**
     * @param model the model
     * @param set the images
     * @param positions which images
     * @param cost where forward passes are counted, or null
     * @return the fraction whose zero-shot prediction is their label (NaN when empty)
     */
    public static double zeroShotAccuracy(DualEncoderModel model, ImageSet set, int[] positions, CostMeter cost) {
        if (positions.length == 0) {
            return Double.NaN;
        }
        int[] predicted = zeroShot(images(model, set, positions, cost), classEmbeddings(model));
        int ok = 0;
        for (int i = 0; i < positions.length; i++) {
            ok += predicted[i] == set.label(positions[i]) ? 1 : 0;
        }
        return (double) ok / positions.length;
    }

    /**
     * @param model the model
     * @param set the images
     * @param positions which pairs
     * @param cost where forward passes are counted, or null
     * @return u_i · v_i per pair
     */
    public static float[] pairCosines(DualEncoderModel model, ImageSet set, int[] positions, CostMeter cost) {
        float[][] u = images(model, set, positions, cost);
        List<String> captions = captions(model.captions(), set, positions);
        Map<String, float[]> v = texts(model, captions);
        float[] out = new float[positions.length];
        for (int i = 0; i < positions.length; i++) {
            out[i] = (float) dot(u[i], v.get(captions.get(i)));
        }
        return out;
    }

    /**
     * @param captions the captions
     * @param set the images
     * @param positions which pairs
     * @return each pair's caption
     */
    public static List<String> captions(Captions captions, ImageSet set, int[] positions) {
        List<String> out = new ArrayList<>(positions.length);
        for (int p : positions) {
            out.add(captions.caption(set, p));
        }
        return out;
    }

    static double dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (double) a[i] * b[i];
        }
        return s;
    }

    static double mean(float[] values) {
        double s = 0;
        for (float v : values) {
            s += v;
        }
        return values.length == 0 ? Double.NaN : s / values.length;
    }

    private static float[] normalized(float[] x) {
        double n = Math.sqrt(dot(x, x)) + 1e-12;
        float[] out = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            out[i] = (float) (x[i] / n);
        }
        return out;
    }

    private static void rows(float[] flat, int n, float[][] out, int offset) {
        int d = flat.length / n;
        for (int i = 0; i < n; i++) {
            out[offset + i] = Arrays.copyOfRange(flat, i * d, (i + 1) * d);
        }
    }
}
