package io.unlearn.unlearning.internal.denoiser;

import io.unlearn.unlearning.spi.ImageSet;
import java.util.Random;

/**
 * One batch of noisy inputs and what the network should predict for them, built on the Java side so each step's
 * noise, timesteps and weights are exact and seeded: {@code m = gamma_t x + sigma_t eps}, target {@code eps},
 * per-sample loss weights (1 unless a method weights them).
 *
 * @param m noisy images, {@code n * pixels} values
 * @param t timesteps in [0, T), one per image
 * @param target the noise to predict, {@code n * pixels} values
 * @param weights per-image weights of the eps-loss
 * @param n images
 */
public record NoisyBatch(float[] m, float[] t, float[] target, float[] weights, int n) {

    /**
     * Noises images at uniformly drawn timesteps with standard normal noise.
     *
     * @param set the images, pixels in [0, 1] (scaled to [-1, 1] here)
     * @param positions which images
     * @param schedule the noise schedule
     * @param alphaBars {@code schedule.alphaBars()}
     * @param random the generator of t and eps
     * @return the batch, weights 1
     */
    public static NoisyBatch of(ImageSet set, int[] positions, NoiseSchedule schedule, double[] alphaBars,
            Random random) {
        int p = set.rows() * set.cols();
        float[] x = scaledPixels(set, positions);
        float[] m = new float[x.length];
        float[] eps = new float[x.length];
        float[] t = new float[positions.length];
        float[] w = new float[positions.length];
        for (int i = 0; i < positions.length; i++) {
            int ti = random.nextInt(schedule.timesteps());
            t[i] = ti;
            w[i] = 1;
            double gamma = Math.sqrt(alphaBars[ti]);
            double sigma = Math.sqrt(1 - alphaBars[ti]);
            for (int j = i * p; j < (i + 1) * p; j++) {
                eps[j] = (float) random.nextGaussian();
                m[j] = (float) (gamma * x[j] + sigma * eps[j]);
            }
        }
        return new NoisyBatch(m, t, eps, w, positions.length);
    }

    /**
     * @param set the images, pixels in [0, 1]
     * @param positions which images
     * @return their pixels scaled to [-1, 1], row-major, one image after the other
     */
    public static float[] scaledPixels(ImageSet set, int[] positions) {
        int p = set.rows() * set.cols();
        float[] x = new float[positions.length * p];
        for (int i = 0; i < positions.length; i++) {
            set.copyPixels(positions[i], x, i * p);
        }
        for (int j = 0; j < x.length; j++) {
            x[j] = 2 * x[j] - 1;
        }
        return x;
    }

    /**
     * @param newTarget another target
     * @param newWeights other weights
     * @return the same noisy input with another target and weights
     */
    public NoisyBatch withTarget(float[] newTarget, float[] newWeights) {
        return new NoisyBatch(m, t, newTarget, newWeights, n);
    }

}
