package io.unlearn.unlearning.internal.denoiser;

/**
 * The DDPM forward process: {@code m_t = gamma_t x + sigma_t eps}, with a linear beta schedule,
 * {@code alphaBar_t = prod_{s <= t} (1 - beta_s)}, {@code gamma_t = sqrt(alphaBar_t)}, {@code sigma_t =
 * sqrt(1 - alphaBar_t)}; timesteps are 0-based, {@code t in [0, T)}.
 *
 * @param timesteps T; default 1000
 * @param betaStart beta of the first step; default 1e-4
 * @param betaEnd beta of the last step; default 0.02
 */
public record NoiseSchedule(int timesteps, float betaStart, float betaEnd) {

    /** Validates the values. */
    public NoiseSchedule {
        if (timesteps < 2 || !(betaStart > 0) || !(betaEnd >= betaStart) || !(betaEnd < 1)) {
            throw new IllegalArgumentException("noise schedule needs T >= 2 and 0 < betaStart <= betaEnd < 1; got T = "
                    + timesteps + ", beta " + betaStart + ".." + betaEnd);
        }
    }

    /** @return T = 1000, beta linear from 1e-4 to 0.02 (Ho et al. 2020) */
    public static NoiseSchedule defaults() {
        return new NoiseSchedule(1000, 1e-4f, 0.02f);
    }

    /**
     * @param t a timestep in [0, T)
     * @return alphaBar_t
     */
    public double alphaBar(int t) {
        double a = 1;
        for (int s = 0; s <= t; s++) {
            a *= 1 - (betaStart + (double) (betaEnd - betaStart) * s / (timesteps - 1));
        }
        return a;
    }

    /**
     * @param t a timestep in [0, T)
     * @return gamma_t = sqrt(alphaBar_t), the signal scale
     */
    public double gamma(int t) {
        return Math.sqrt(alphaBar(t));
    }

    /**
     * @param t a timestep in [0, T)
     * @return sigma_t = sqrt(1 - alphaBar_t), the noise scale
     */
    public double sigma(int t) {
        return Math.sqrt(1 - alphaBar(t));
    }

    /** @return alphaBar_t for every t, computed once */
    public double[] alphaBars() {
        double[] out = new double[timesteps];
        double a = 1;
        for (int t = 0; t < timesteps; t++) {
            a *= 1 - (betaStart + (double) (betaEnd - betaStart) * t / (timesteps - 1));
            out[t] = a;
        }
        return out;
    }
}
