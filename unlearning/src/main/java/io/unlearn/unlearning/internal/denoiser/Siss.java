package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;
import java.util.Random;

/**
 * SISS (Alberti et al. 2025, arXiv 2503.01034), the authors' practical form: per step, a batch of retained images x
 * (from D_r) each paired with a deleted image a (from D_f) under the same noise and timestep, the noisy input drawn
 * from their mixture ({@link SissBatch}); the two importance-weighted eps-losses are back-propagated separately into
 * {@code g_x} and {@code g_a}, and the parameters move along
 *
 * <pre>
 *   g = clip_1( g_x - c g_a / ||g_a|| )        (AdamW, constant learning rate, t ~ U[0, T))
 * </pre>
 *
 * <p>so the deletion term always pushes with the fixed norm c, however large or small its raw gradient.
 */
public final class Siss implements UnlearningMethod {

    private final double lambda;
    private final float deletionNorm;
    private final float learningRate;
    private final int batchSize;
    private final int steps;
    private final long seed;

    /**
     * @param lambda mixture weight of the deleted image's distribution; default 0.5
     * @param deletionNorm c, the norm the deletion gradient is rescaled to; default 0.1
     * @param learningRate AdamW learning rate; default 1e-4
     * @param batchSize pairs per step; default 64
     * @param steps optimizer steps; default 300
     * @param seed pairing, noise and timestep seed; default 42
     */
    public Siss(double lambda, float deletionNorm, float learningRate, int batchSize, int steps, long seed) {
        this.lambda = lambda;
        this.deletionNorm = deletionNorm;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.steps = steps;
        this.seed = seed;
    }

    @Override
    public MethodSpec method() {
        return DenoiserFamily.SISS;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DenoiserModel child = DenoiserMethods.denoiser(parent, method()).copy();
        return DenoiserMethods.closeOnFailure(child, () -> {
            CostMeter cost = new CostMeter();
            Progress progress = new Progress("siss", (long) steps * batchSize);
            DenoiserSteps loop = new DenoiserSteps(child, learningRate, 1f, cost, progress);
            ImageSet set = data.train();
            Random random = new Random(seed);
            double[] alphaBars = child.schedule().alphaBars();
            int timesteps = child.schedule().timesteps();
            DenoiserMethods.Cycle retain = new DenoiserMethods.Cycle(data.retainPositions(), batchSize, random);
            DenoiserMethods.Cycle forget = new DenoiserMethods.Cycle(data.forgetPositions(), batchSize, random);
            float lastRetainLoss = Float.NaN;
            float lastDeletionLoss = Float.NaN;
            for (int s = 0; s < steps; s++) {
                int[] xs = retain.next();
                int[] as = forget.next();
                float[] x = NoisyBatch.scaledPixels(set, xs);
                float[] a = NoisyBatch.scaledPixels(set, as);
                float[] eps = new float[x.length];
                for (int j = 0; j < eps.length; j++) {
                    eps[j] = (float) random.nextGaussian();
                }
                int[] t = new int[batchSize];
                boolean[] fromDeleted = new boolean[batchSize];
                for (int i = 0; i < batchSize; i++) {
                    t[i] = random.nextInt(timesteps);
                    fromDeleted[i] = random.nextDouble() < lambda;
                }
                SissBatch batch = SissBatch.of(x, a, eps, t, fromDeleted, lambda, alphaBars);
                try (NDManager step = loop.newStep()) {
                    DenoiserSteps.Gradient gx = loop.gradient(step, batch.retained());
                    DenoiserSteps.Gradient ga = loop.gradient(step, batch.deleted());
                    loop.apply(combined(gx.grads(), ga.grads(), deletionNorm), batchSize);
                    lastRetainLoss = gx.loss();
                    lastDeletionLoss = ga.loss();
                }
            }
            progress.finish();
            return new UnlearningResult(child, method(), cost.cost(), Map.of("steps", String.valueOf(steps),
                    "lastRetainLoss", String.valueOf(lastRetainLoss), "lastDeletionLoss",
                    String.valueOf(lastDeletionLoss)));
        });
    }

    /**
     * @param gx the retained term's gradient
     * @param ga the deletion term's gradient
     * @param c the norm the deletion gradient is rescaled to
     * @return {@code g_x - c g_a / ||g_a||} ({@code g_x} when {@code g_a} is zero)
     */
    static NDArray[] combined(NDArray[] gx, NDArray[] ga, float c) {
        double norm = DenoiserSteps.norm(ga);
        float k = norm > 0 ? (float) (c / norm) : 0f;
        NDArray[] g = new NDArray[gx.length];
        for (int i = 0; i < g.length; i++) {
            g[i] = gx[i].sub(ga[i].mul(k));
        }
        return g;
    }
}
