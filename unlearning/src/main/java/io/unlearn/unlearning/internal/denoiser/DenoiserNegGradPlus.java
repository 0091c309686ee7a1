package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningMethod;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.Map;
import java.util.Random;

/**
 * The denoiser's gradient baselines, one step each: {@code g = clip_1(retainWeight * grad L(D_r batch) -
 * forgetWeight * grad L(D_f batch))} with L the eps-loss, AdamW. {@code forgetWeight = 0} is naive deletion
 * ({@code fine_tune}: continue training on D_r), {@code retainWeight = 0} plain NegGrad, both positive NegGrad+.
 */
public final class DenoiserNegGradPlus implements UnlearningMethod {

    private final MethodSpec method;
    private final float forgetWeight;
    private final float retainWeight;
    private final float learningRate;
    private final int batchSize;
    private final int steps;
    private final long seed;

    /**
     * @param method {@link DenoiserFamily#NEG_GRAD_PLUS} or {@link DenoiserFamily#FINE_TUNE} (forgetWeight 0)
     * @param forgetWeight weight of the ascent term; default 0.5
     * @param retainWeight weight of the descent term; default 1
     * @param learningRate AdamW learning rate; default 1e-4
     * @param batchSize images per step from each set; default 64
     * @param steps optimizer steps; default 300
     * @param seed sampling, noise and timestep seed; default 42
     */
    public DenoiserNegGradPlus(MethodSpec method, float forgetWeight, float retainWeight, float learningRate,
            int batchSize, int steps, long seed) {
        this.method = method;
        this.forgetWeight = forgetWeight;
        this.retainWeight = retainWeight;
        this.learningRate = learningRate;
        this.batchSize = batchSize;
        this.steps = steps;
        this.seed = seed;
    }

    @Override
    public MethodSpec method() {
        return method;
    }

    @Override
    public UnlearningResult apply(ModelHandle parent, UnlearningData data) {
        DenoiserModel child = DenoiserMethods.denoiser(parent, method()).copy();
        return DenoiserMethods.closeOnFailure(child, () -> {
            CostMeter cost = new CostMeter();
            Progress progress = new Progress(method.id() + " (denoiser)", (long) steps * batchSize);
            DenoiserSteps loop = new DenoiserSteps(child, learningRate, 1f, cost, progress);
            Random random = new Random(seed);
            double[] alphaBars = child.schedule().alphaBars();
            DenoiserMethods.Cycle retain = new DenoiserMethods.Cycle(data.retainPositions(), batchSize, random);
            DenoiserMethods.Cycle forget = forgetWeight > 0
                    ? new DenoiserMethods.Cycle(data.forgetPositions(), batchSize, random) : null;
            for (int s = 0; s < steps; s++) {
                try (NDManager step = loop.newStep()) {
                    NDArray[] g = null;
                    if (retainWeight > 0) {
                        g = scaled(loop.gradient(step, NoisyBatch.of(data.train(), retain.next(), child.schedule(),
                                alphaBars, random)).grads(), retainWeight, null);
                    }
                    if (forget != null) {
                        g = scaled(loop.gradient(step, NoisyBatch.of(data.train(), forget.next(), child.schedule(),
                                alphaBars, random)).grads(), -forgetWeight, g);
                    }
                    if (g != null) {
                        loop.apply(g, batchSize);
                    }
                }
            }
            progress.finish();
            return new UnlearningResult(child, method(), cost.cost(), Map.of("steps", String.valueOf(steps)));
        });
    }

    private static NDArray[] scaled(NDArray[] g, float weight, NDArray[] sum) {
        NDArray[] out = new NDArray[g.length];
        for (int i = 0; i < g.length; i++) {
            NDArray term = weight == 1f ? g[i] : g[i].mul(weight);
            out[i] = sum == null ? term : sum[i].add(term);
        }
        return out;
    }
}
