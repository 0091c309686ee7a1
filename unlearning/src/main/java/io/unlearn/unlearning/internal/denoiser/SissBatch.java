package io.unlearn.unlearning.internal.denoiser;

/**
 * One SISS batch (Alberti et al. 2025, the authors' practical form): retained image {@code x} and deleted image
 * {@code a} share the noise {@code eps} and the timestep {@code t}; the noisy input is drawn from the mixture
 * {@code q_lambda = (1 - lambda) N(gamma_t x, sigma_t^2 I) + lambda N(gamma_t a, sigma_t^2 I)}:
 * {@code m = gamma_t a + sigma_t eps} with probability lambda, else {@code m = gamma_t x + sigma_t eps}. Then, with
 * {@code d_x = ||m - gamma_t x||^2 / (2 sigma_t^2)} and {@code d_a = ||m - gamma_t a||^2 / (2 sigma_t^2)} summed
 * over pixels,
 *
 * <pre>
 *   w_x = 1 / ((1 - lambda) + lambda exp(d_x - d_a))        target_x = (m - gamma_t x) / sigma_t
 *   w_a = 1 / ((1 - lambda) exp(d_a - d_x) + lambda)        target_a = (m - gamma_t a) / sigma_t
 * </pre>
 *
 * <p>and the two losses are {@code mean_n w_x ||target_x - eps_hat(m, t)||^2 / pixels} and the same for a. The
 * distances are summed in double and only their difference, clamped to +-{@value #CLAMP}, is exponentiated:
 * {@code exp(d_x)} alone overflows for any image pair that differs (d is in the thousands at small t).
 *
 * @param retained the retained term's batch (m, t, target_x, w_x)
 * @param deleted the deletion term's batch (the same m and t, target_a, w_a)
 */
public record SissBatch(NoisyBatch retained, NoisyBatch deleted) {

    /** The bound on |d_x - d_a| before exponentiation; beyond it a weight is 0 or saturated to float precision. */
    public static final double CLAMP = 30;

    /**
     * Builds the batch from given draws (so a test can check every value).
     *
     * @param x retained images, {@code n * pixels} values in [-1, 1]
     * @param a deleted images, same layout
     * @param eps the shared noise, same layout
     * @param t the shared timesteps, one per pair
     * @param fromDeleted whether pair i's noisy input is drawn around {@code a} (probability lambda)
     * @param lambda the mixture weight
     * @param alphaBars the schedule's alphaBar_t
     * @return the two terms
     */
    public static SissBatch of(float[] x, float[] a, float[] eps, int[] t, boolean[] fromDeleted, double lambda,
            double[] alphaBars) {
        int n = t.length;
        int p = x.length / n;
        float[] m = new float[x.length];
        float[] targetX = new float[x.length];
        float[] targetA = new float[x.length];
        float[] wx = new float[n];
        float[] wa = new float[n];
        float[] tf = new float[n];
        for (int i = 0; i < n; i++) {
            double gamma = Math.sqrt(alphaBars[t[i]]);
            double sigma = Math.sqrt(1 - alphaBars[t[i]]);
            double sumX = 0;
            double sumA = 0;
            for (int j = i * p; j < (i + 1) * p; j++) {
                double source = fromDeleted[i] ? a[j] : x[j];
                m[j] = (float) (gamma * source + sigma * eps[j]);
                double rx = m[j] - gamma * x[j];
                double ra = m[j] - gamma * a[j];
                sumX += rx * rx;
                sumA += ra * ra;
                targetX[j] = (float) (rx / sigma);
                targetA[j] = (float) (ra / sigma);
            }
            double dxMinusDa = (sumX - sumA) / (2 * sigma * sigma);
            double[] w = weights(dxMinusDa, lambda);
            wx[i] = (float) w[0];
            wa[i] = (float) w[1];
            tf[i] = t[i];
        }
        return new SissBatch(new NoisyBatch(m, tf, targetX, wx, n), new NoisyBatch(m, tf, targetA, wa, n));
    }

    /**
     * The importance weights of one pair.
     *
     * @param dxMinusDa {@code d_x - d_a}
     * @param lambda the mixture weight
     * @return {@code {w_x, w_a}}
     */
    public static double[] weights(double dxMinusDa, double lambda) {
        double diff = Math.max(-CLAMP, Math.min(CLAMP, dxMinusDa));
        double wx = 1 / ((1 - lambda) + lambda * Math.exp(diff));
        double wa = 1 / ((1 - lambda) * Math.exp(-diff) + lambda);
        return new double[] {wx, wa};
    }
}
