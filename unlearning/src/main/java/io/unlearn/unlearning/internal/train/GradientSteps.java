package io.unlearn.unlearning.internal.train;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.unlearn.unlearning.internal.model.Network;
import io.unlearn.unlearning.spi.ImageSet;

/**
 * The one gradient-step loop every method shares: a method supplies only its objective; this class scopes the
 * step's memory, collects gradients, updates the parameters, counts sample-passes and reports progress.
 *
 * <p>Lifecycle: create, call {@link #step} repeatedly, close. Each step runs inside its own sub-manager of the
 * model's manager, so no temporary reaches the model's manager.
 */
public final class GradientSteps implements AutoCloseable {

    /** A training objective: the scalar loss of one step, built from {@link Step#forward} calls. */
    @FunctionalInterface
    public interface Objective {
        /**
         * @param step the step's scope
         * @return the scalar loss to minimize
         */
        NDArray loss(Step step);
    }

    /**
     * What one forward pass returned.
     *
     * @param embedding z (N, E)
     * @param logits (N, classes)
     * @param labels (N), int
     */
    public record Outputs(NDArray embedding, NDArray logits, NDArray labels) {
    }

    /** The scope of one step: its memory and a forward function that counts sample-passes. */
    public final class Step {
        private final NDManager manager;

        private Step(NDManager manager) {
            this.manager = manager;
        }

        /** @return the step's manager; everything created in the step belongs to it */
        public NDManager manager() {
            return manager;
        }

        /**
         * Runs a training forward pass over samples; they are counted as forward and backward passes.
         *
         * @param set the images
         * @param positions which samples
         * @return embedding, logits and labels
         */
        public Outputs forward(ImageSet set, int[] positions) {
            NDList out = trainer.forward(new NDList(Batches.images(manager, set, positions)));
            countSamples(positions.length);
            return new Outputs(out.get(0), out.get(1), Batches.labels(manager, set, positions));
        }

        /**
         * Runs a training forward pass over arbitrary block inputs (e.g. cached DKVB key selections).
         *
         * @param inputs the block inputs
         * @param samples how many samples they hold
         * @return the block outputs
         */
        public NDList forwardRaw(NDList inputs, int samples) {
            countSamples(samples);
            return trainer.forward(inputs);
        }

        private void countSamples(int n) {
            cost.forward(n);
            cost.backward(n);
            progress.advance(n);
        }
    }

    private final Network network;
    private final Trainer trainer;
    private final CostMeter cost;
    private final Progress progress;

    /**
     * Prepares training of a network's parameters (those not frozen).
     *
     * @param network the model to update in place
     * @param optimizer the optimizer
     * @param cost where sample-passes are counted
     * @param progress where progress is reported
     */
    public GradientSteps(Network network, Optimizer optimizer, CostMeter cost, Progress progress) {
        this.network = network;
        this.cost = cost;
        this.progress = progress;
        Device device = network.djlModel().getNDManager().getDevice();
        trainer = network.djlModel().newTrainer(new DefaultTrainingConfig(Loss.softmaxCrossEntropyLoss())
                .optOptimizer(optimizer).optDevices(new Device[] {device}));
        trainer.initialize(network.inputShape());
        skipZeroGradientCheck(trainer);
    }

    /**
     * DJL 0.36's first {@code Trainer.step()} rejects a step whose gradients sum to exactly zero, meaning to catch a
     * forgotten {@code backward()}. But the signed sum is legitimately zero when only a bottleneck's value table is
     * trainable: the cross-entropy gradient w.r.t. logits (softmax - one-hot) sums to zero per sample, and the
     * logits are an average of values. It failed DKVB training on small data sets, so the check is marked done.
     */
    private static void skipZeroGradientCheck(Trainer trainer) {
        try {
            java.lang.reflect.Field checked = Trainer.class.getDeclaredField("gradientsChecked");
            checked.setAccessible(true);
            checked.setBoolean(trainer, true);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // A DJL without the field has no such check to skip.
        }
    }

    /**
     * @param learningRate the fixed learning rate
     * @return SGD with momentum 0.9
     */
    public static Optimizer sgd(float learningRate) {
        return Optimizer.sgd().setLearningRateTracker(Tracker.fixed(learningRate)).optMomentum(0.9f).build();
    }

    /**
     * @param learningRate the fixed learning rate
     * @return Adam with default betas
     */
    public static Optimizer adam(float learningRate) {
        return Optimizer.adam().optLearningRateTracker(Tracker.fixed(learningRate)).build();
    }

    /**
     * Runs one optimizer step on the objective.
     *
     * @param objective builds the loss
     * @return the loss value before the update
     */
    public float step(Objective objective) {
        try (NDManager stepManager = network.djlModel().getNDManager().newSubManager();
                GradientCollector collector = trainer.newGradientCollector()) {
            NDArray loss = objective.loss(new Step(stepManager));
            collector.backward(loss);
            float value = loss.getFloat();
            trainer.step();
            return value;
        }
    }

    @Override
    public void close() {
        trainer.close();
    }
}
