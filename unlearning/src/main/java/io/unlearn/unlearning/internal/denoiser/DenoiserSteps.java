package io.unlearn.unlearning.internal.denoiser;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import java.util.ArrayList;
import java.util.List;

/**
 * The denoiser's gradient steps: unlike the classifiers' shared loop, a step here may combine several separately
 * back-propagated gradients (SISS subtracts a rescaled deletion gradient, NegGrad+ a weighted forget gradient), so
 * this class hands out each gradient as arrays and applies a combined one: global norm clipped, then AdamW.
 *
 * <p>Lifecycle: create, then per step open a sub-manager ({@link #newStep()}), compute {@link #gradient}s in it,
 * {@link #apply} their combination, close the sub-manager. Gradients are copied into the step's manager and the
 * parameters' gradient buffers zeroed right after, so nothing accumulates across terms or steps.
 */
public final class DenoiserSteps {

    /**
     * One back-propagated term.
     *
     * @param grads one array per trainable parameter, in {@link #parameters} order, owned by the step's manager
     * @param loss the term's value
     */
    public record Gradient(NDArray[] grads, float loss) {
    }

    private final DenoiserModel model;
    private static final int MAX_ATTEMPTS = 3;
    private static final NDIndex ALL = new NDIndex("...");

    private final List<Parameter> parameters = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private final Optimizer optimizer;
    private final CostMeter cost;
    private final Progress progress;
    private final float clipNorm;
    private int recomputed;

    /**
     * @param model the model to update in place
     * @param learningRate the constant AdamW learning rate
     * @param clipNorm the global gradient norm a combined gradient is clipped to (1 in SISS and the recipes)
     * @param cost where sample-passes are counted
     * @param progress where progress is reported
     */
    public DenoiserSteps(DenoiserModel model, float learningRate, float clipNorm, CostMeter cost, Progress progress) {
        this.model = model;
        this.clipNorm = clipNorm;
        this.cost = cost;
        this.progress = progress;
        optimizer = Optimizer.adamW().optLearningRateTracker(Tracker.fixed(learningRate)).build();
        model.block().getParameters().forEach(pair -> {
            names.add(pair.getKey());
            parameters.add(pair.getValue());
            pair.getValue().getArray().setRequiresGradient(true);
        });
    }

    /** @return a sub-manager of the model's manager for one step's temporaries; the caller closes it */
    public NDManager newStep() {
        return model.djlModel().getNDManager().newSubManager();
    }

    /**
     * Back-propagates the weighted eps-loss {@code mean_n w_n * mean_pixels (eps_hat(m_n, t_n) - target_n)^2}.
     *
     * @param step the step's manager
     * @param batch noisy inputs, targets and weights
     * @return the gradient of every parameter and the loss
     */
    public Gradient gradient(NDManager step, NoisyBatch batch) {
        // libtorch's CPU backward occasionally returns NaN or infinite gradients for this network (about once in
        // 50-100 steps on 8x8 images, at a different layer each time, with finite inputs, weights and loss; with 1
        // or 2 intra-op threads alike), the symptom of reading uninitialized memory. The same inputs back-propagated
        // again give finite gradients, so the term is recomputed; a gradient that stays non-finite is an error.
        for (int attempt = 1;; attempt++) {
            Gradient g = backpropagate(step, batch);
            if (Double.isFinite(norm(g.grads()))) {
                cost.forward(batch.n());
                cost.backward(batch.n());
                return g;
            }
            recomputed++;
            if (attempt == MAX_ATTEMPTS) {
                throw new IllegalStateException("denoiser step: the gradient is not finite in " + nonFinite(g.grads())
                        + " after " + MAX_ATTEMPTS + " back-propagations of the same batch (loss " + g.loss() + ")");
            }
        }
    }

    /** @return how many terms were back-propagated again because the first gradient was not finite */
    public int recomputed() {
        return recomputed;
    }

    private Gradient backpropagate(NDManager step, NoisyBatch batch) {
        NDArray[] grads = new NDArray[parameters.size()];
        float value;
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = loss(step, batch, true);
            collector.backward(loss);
            value = loss.getFloat();
        }
        for (int i = 0; i < grads.length; i++) {
            NDArray buffer = parameters.get(i).getArray().getGradient();
            grads[i] = buffer.duplicate();
            grads[i].attach(step);
            // zeroed by overwriting, not by subtracting: a NaN buffer minus itself stays NaN
            buffer.set(ALL, 0f);
            buffer.close();
        }
        return new Gradient(grads, value);
    }

    private List<String> nonFinite(NDArray[] grads) {
        List<String> bad = new ArrayList<>();
        for (int i = 0; i < grads.length; i++) {
            if (!Double.isFinite(norm(new NDArray[] {grads[i]}))) {
                bad.add(names.get(i));
            }
        }
        return bad;
    }

    /**
     * The weighted eps-loss without gradients (for checks).
     *
     * @param step the step's manager
     * @param batch noisy inputs, targets and weights
     * @return the loss
     */
    public float lossValue(NDManager step, NoisyBatch batch) {
        cost.forward(batch.n());
        return loss(step, batch, false).getFloat();
    }

    private NDArray loss(NDManager step, NoisyBatch batch, boolean training) {
        DenoiserArchitecture a = model.block().architecture();
        Shape shape = new Shape(batch.n(), 1, a.rows(), a.cols());
        NDArray m = step.create(batch.m(), shape);
        NDArray t = step.create(batch.t());
        NDArray target = step.create(batch.target(), shape);
        NDArray w = step.create(batch.weights());
        NDArray predicted = model.block().predictNoise(new ParameterStore(step, false), m, t, training);
        return weightedLoss(predicted, target, w);
    }

    /**
     * @param predicted eps_hat (N, 1, rows, cols)
     * @param target the noise to predict, same shape
     * @param weights per-image weights (N)
     * @return {@code mean_n w_n * mean_pixels (predicted_n - target_n)^2}, a scalar
     */
    static NDArray weightedLoss(NDArray predicted, NDArray target, NDArray weights) {
        long n = predicted.getShape().get(0);
        NDArray perImage = predicted.sub(target).square().reshape(n, -1).mean(new int[] {1});
        return perImage.mul(weights).mean();
    }

    /**
     * @param g a gradient
     * @return its global L2 norm over all parameters
     */
    public static double norm(NDArray[] g) {
        double sum = 0;
        for (NDArray a : g) {
            sum += a.square().sum().getFloat();
        }
        return Math.sqrt(sum);
    }

    /**
     * Clips a gradient to the global norm and takes one AdamW step with it.
     *
     * @param grads one array per parameter, e.g. a combination of {@link Gradient#grads()}
     * @param samples the images the step used, for the progress line
     * @return the norm before clipping
     */
    public double apply(NDArray[] grads, int samples) {
        double norm = norm(grads);
        if (!Double.isFinite(norm)) {
            throw new IllegalStateException("denoiser step: the combined gradient's norm is " + norm + " in "
                    + nonFinite(grads));
        }
        float scale = norm > clipNorm ? (float) (clipNorm / norm) : 1f;
        for (int i = 0; i < grads.length; i++) {
            Parameter p = parameters.get(i);
            optimizer.update(p.getId(), p.getArray(), scale == 1f ? grads[i] : grads[i].mul(scale));
        }
        progress.advance(samples);
        return norm;
    }
}
