package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.Arrays;
import java.util.Random;

/**
 * Generates images with the deterministic DDIM update (Song et al. 2021, eta = 0) over {@value #STEPS} evenly spaced
 * timesteps {@code tau_i = i T / STEPS}: {@code x0 = clip((x - sqrt(1 - ab_t) eps_hat) / sqrt(ab_t), -1, 1)},
 * {@code x <- sqrt(ab_prev) x0 + sqrt(1 - ab_prev) eps_hat}, ending with x0 at the smallest timestep.
 */
public final class Sampler {

    /** Sampling steps. */
    public static final int STEPS = 50;
    private static final int CHUNK = 100;

    private Sampler() {
    }

    /**
     * @param model the denoiser
     * @param count how many images
     * @param seed the seed of the starting noise
     * @return {@code count * rows * cols} pixels in [0, 1], one image after the other
     */
    public static float[] sample(DenoiserModel model, int count, long seed) {
        DenoiserArchitecture a = model.block().architecture();
        int p = a.rows() * a.cols();
        double[] ab = model.schedule().alphaBars();
        int stride = model.schedule().timesteps() / STEPS;
        float[] out = new float[count * p];
        Random random = new Random(seed);
        for (int from = 0; from < count; from += CHUNK) {
            int n = Math.min(CHUNK, count - from);
            float[] start = new float[n * p];
            for (int j = 0; j < start.length; j++) {
                start[j] = (float) random.nextGaussian();
            }
            try (NDManager m = model.djlModel().getNDManager().newSubManager()) {
                Shape shape = new Shape(n, 1, a.rows(), a.cols());
                NDArray x = m.create(start, shape);
                NDArray x0 = x;
                for (int i = STEPS - 1; i >= 0; i--) {
                    int t = i * stride;
                    double abT = ab[t];
                    double abPrev = i > 0 ? ab[(i - 1) * stride] : 1;
                    float[] ts = new float[n];
                    Arrays.fill(ts, t);
                    // each step's activations are freed with its sub-manager; only x and x0 move up
                    try (NDManager s = m.newSubManager()) {
                        NDArray eps = model.block().predictNoise(new ParameterStore(s, false), x, s.create(ts),
                                false);
                        NDArray nextX0 = x.sub(eps.mul((float) Math.sqrt(1 - abT))).div((float) Math.sqrt(abT))
                                .clip(-1f, 1f);
                        NDArray nextX = nextX0.mul((float) Math.sqrt(abPrev))
                                .add(eps.mul((float) Math.sqrt(1 - abPrev)));
                        nextX0.attach(m);
                        nextX.attach(m);
                        x0 = nextX0;
                        x = nextX;
                    }
                }
                float[] pixels = x0.add(1f).div(2f).toFloatArray();
                System.arraycopy(pixels, 0, out, from * p, n * p);
            }
        }
        return out;
    }
}
