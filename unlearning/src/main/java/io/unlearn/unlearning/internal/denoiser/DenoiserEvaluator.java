package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.spi.DenoiserEvaluationSettings;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.UnlearningData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Computes the denoiser's metrics ({@link DenoiserFamily}): the denoising loss on D_f, D_r and D_t at fixed timesteps
 * {@link #TIMESTEPS} with noise fixed per image (so two models see the same inputs), the advantage D_f enjoys over
 * unseen images, and the share of generated images that reproduce a D_f image.
 */
public final class DenoiserEvaluator {

    /** Timesteps the denoising loss is averaged over: little, half and most of the signal gone. */
    public static final int[] TIMESTEPS = {100, 250, 500};
    /** The memorization distance for 28x28 images (Alberti et al.'s MNIST threshold); scaled by side / 28. */
    public static final double MEMORIZATION_L2_28 = 10;
    private static final int CHUNK = 128;
    private static final int MAX_DELETED_IMAGES = 512;

    private DenoiserEvaluator() {
    }

    /**
     * @param model the denoiser
     * @param data the split
     * @param settings sizes and seed
     * @return the family's metrics
     */
    public static Evaluation evaluate(DenoiserModel model, UnlearningData data, DenoiserEvaluationSettings settings) {
        Random random = new Random(settings.seed());
        int[] forget = Batches.sample(data.forgetPositions(), settings.lossSamples(), random);
        int[] retain = Batches.sample(data.retainPositions(), settings.lossSamples(), random);
        int[] test = Batches.sample(data.testPositions(), settings.lossSamples(), random);
        double forgetLoss = denoisingLoss(model, data.train(), forget, settings.seed());
        double retainLoss = denoisingLoss(model, data.train(), retain, settings.seed());
        double testLoss = denoisingLoss(model, data.test(), test, settings.seed());
        float[] generated = Sampler.sample(model, settings.generatedSamples(), settings.seed());
        double share = memorizationShare(generated, distinctImages(data.train(), data.forgetPositions()),
                data.train().rows(), data.train().cols());
        Map<String, Double> values = new LinkedHashMap<>();
        values.put(DenoiserFamily.MEMORIZATION_SHARE.key(), share);
        values.put(DenoiserFamily.FORGET_DENOISING_LOSS.key(), forgetLoss);
        values.put(DenoiserFamily.RETAIN_DENOISING_LOSS.key(), retainLoss);
        values.put(DenoiserFamily.TEST_DENOISING_LOSS.key(), testLoss);
        values.put(DenoiserFamily.DENOISING_LOSS_ADVANTAGE.key(), testLoss - forgetLoss);
        return new Evaluation(values);
    }

    /**
     * The mean per-pixel squared error of the predicted noise over images and {@link #TIMESTEPS}; image i's noise
     * is drawn from its sample id and the seed only.
     *
     * @param model the denoiser
     * @param set the images
     * @param positions which images
     * @param seed the evaluation seed
     * @return the loss
     */
    public static double denoisingLoss(DenoiserModel model, ImageSet set, int[] positions, long seed) {
        int p = set.rows() * set.cols();
        double[] alphaBars = model.schedule().alphaBars();
        double sum = 0;
        for (int from = 0; from < positions.length; from += CHUNK) {
            int[] chunk = Arrays.copyOfRange(positions, from, Math.min(positions.length, from + CHUNK));
            float[] x = NoisyBatch.scaledPixels(set, chunk);
            for (int t : TIMESTEPS) {
                float[] m = new float[x.length];
                float[] eps = new float[x.length];
                float[] ts = new float[chunk.length];
                float[] w = new float[chunk.length];
                double gamma = Math.sqrt(alphaBars[t]);
                double sigma = Math.sqrt(1 - alphaBars[t]);
                for (int i = 0; i < chunk.length; i++) {
                    Random noise = new Random(seed * 1_000_003L + set.id(chunk[i]) * 31L + t);
                    ts[i] = t;
                    w[i] = 1;
                    for (int j = i * p; j < (i + 1) * p; j++) {
                        eps[j] = (float) noise.nextGaussian();
                        m[j] = (float) (gamma * x[j] + sigma * eps[j]);
                    }
                }
                sum += chunk.length * loss(model, new NoisyBatch(m, ts, eps, w, chunk.length));
            }
        }
        return sum / ((double) positions.length * TIMESTEPS.length);
    }

    private static double loss(DenoiserModel model, NoisyBatch batch) {
        DenoiserArchitecture a = model.block().architecture();
        try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
            Shape shape = new Shape(batch.n(), 1, a.rows(), a.cols());
            NDArray predicted = model.block().predictNoise(new ParameterStore(m, false), m.create(batch.m(), shape),
                    m.create(batch.t()), false);
            return predicted.sub(m.create(batch.target(), shape)).square().mean().getFloat();
        }
    }

    /**
     * @param generated images, pixels in [0, 1], one after the other
     * @param deleted the deleted images, pixels in [0, 1]
     * @param rows image height
     * @param cols image width
     * @return the share of generated images within {@link #threshold} (L2) of some deleted image
     */
    public static double memorizationShare(float[] generated, List<float[]> deleted, int rows, int cols) {
        int p = rows * cols;
        int n = generated.length / p;
        double limit = threshold(rows, cols);
        int close = 0;
        for (int i = 0; i < n; i++) {
            for (float[] d : deleted) {
                double s = 0;
                for (int j = 0; j < p; j++) {
                    double diff = generated[i * p + j] - d[j];
                    s += diff * diff;
                }
                if (Math.sqrt(s) < limit) {
                    close++;
                    break;
                }
            }
        }
        return n == 0 ? 0 : (double) close / n;
    }

    /**
     * @param rows image height
     * @param cols image width
     * @return the memorization distance: 10 for 28x28 images, scaled by sqrt(pixels / 784)
     */
    public static double threshold(int rows, int cols) {
        return MEMORIZATION_L2_28 * Math.sqrt(rows * cols / 784.0);
    }

    private static List<float[]> distinctImages(ImageSet set, int[] positions) {
        int p = set.rows() * set.cols();
        List<float[]> out = new ArrayList<>();
        for (int position : positions) {
            float[] image = new float[p];
            set.copyPixels(position, image, 0);
            if (out.stream().noneMatch(o -> Arrays.equals(o, image))) {
                out.add(image);
                if (out.size() == MAX_DELETED_IMAGES) {
                    break;
                }
            }
        }
        return out;
    }
}
