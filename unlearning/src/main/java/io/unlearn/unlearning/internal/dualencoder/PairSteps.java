package io.unlearn.unlearning.internal.dualencoder;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import io.unlearn.unlearning.internal.train.Batches;
import io.unlearn.unlearning.internal.train.CostMeter;
import io.unlearn.unlearning.internal.train.Progress;
import io.unlearn.unlearning.spi.ImageSet;

/**
 * The gradient-step loop of the dual-encoder family (the pair-based counterpart of {@code GradientSteps}): a method
 * supplies only its objective; this class scopes each step's memory, collects gradients, updates the parameters,
 * counts sample-passes (one pair = one sample) and reports progress.
 *
 * <p>Lifecycle: create, call {@link #step} repeatedly, close. Each step runs inside its own sub-manager of the
 * model's manager, so no temporary reaches the model's manager.
 */
public final class PairSteps implements AutoCloseable {

    /** A training objective: the scalar loss of one step, built from {@link Step} calls. */
    @FunctionalInterface
    public interface Objective {
        /**
         * @param step the step's scope
         * @return the scalar loss to minimize
         */
        NDArray loss(Step step);
    }

    /**
     * Embeddings of a batch of pairs.
     *
     * @param images u (N, D), unit rows
     * @param texts v (N, D), unit rows
     * @param scale the logit scale s (1)
     */
    public record Embedded(NDArray images, NDArray texts, NDArray scale) {
    }

    /** The scope of one step: its memory, the trained model's forward pass and a frozen model's. */
    public final class Step {
        private final NDManager manager;

        private Step(NDManager manager) {
            this.manager = manager;
        }

        /** @return the step's manager */
        public NDManager manager() {
            return manager;
        }

        /**
         * Training forward pass over pairs; counted as forward and backward passes.
         *
         * @param set the images
         * @param positions which pairs
         * @return their embeddings under the trained model
         */
        public Embedded pairs(ImageSet set, int[] positions) {
            NDList out = trainer.forward(inputs(manager, model.captions(), set, positions));
            cost.forward(positions.length);
            cost.backward(positions.length);
            progress.advance(positions.length);
            return new Embedded(out.get(0), out.get(1), out.get(2));
        }

        /**
         * Evaluation-mode forward pass of another (frozen) model, without gradient; counted as forward passes.
         *
         * @param frozen e.g. the original model θ_o
         * @param set the images
         * @param positions which pairs
         * @return their embeddings under {@code frozen}
         */
        public Embedded frozen(DualEncoderModel frozen, ImageSet set, int[] positions) {
            NDList out = frozen.block().forward(new ParameterStore(manager, false),
                    inputs(manager, frozen.captions(), set, positions), false);
            cost.forward(positions.length);
            return new Embedded(out.get(0).stopGradient(), out.get(1).stopGradient(), out.get(2).stopGradient());
        }
    }

    private final DualEncoderModel model;
    private final Trainer trainer;
    private final CostMeter cost;
    private final Progress progress;

    /**
     * Prepares training of all of a model's parameters.
     *
     * @param model the model to update in place
     * @param optimizer the optimizer
     * @param cost where sample-passes are counted
     * @param progress where progress is reported
     */
    public PairSteps(DualEncoderModel model, Optimizer optimizer, CostMeter cost, Progress progress) {
        this.model = model;
        this.cost = cost;
        this.progress = progress;
        Device device = model.djlModel().getNDManager().getDevice();
        // The loss in the config is never used: every objective builds its own scalar.
        trainer = model.djlModel().newTrainer(new DefaultTrainingConfig(Loss.l2Loss()).optOptimizer(optimizer)
                .optDevices(new Device[] {device}));
        trainer.initialize(DualEncoderBlock.inputShapes(model.block().architecture()));
    }

    /**
     * The block's inputs for pairs: images (N, 1, rows, cols) and their captions' bags of words (N, V).
     *
     * @param manager owns the arrays
     * @param captions the captions
     * @param set the images
     * @param positions which pairs
     * @return the two inputs
     */
    public static NDList inputs(NDManager manager, Captions captions, ImageSet set, int[] positions) {
        java.util.List<String> texts = new java.util.ArrayList<>(positions.length);
        for (int p : positions) {
            texts.add(captions.caption(set, p));
        }
        return new NDList(Batches.images(manager, set, positions), bags(manager, captions, texts));
    }

    /**
     * @param manager owns the array
     * @param captions the vocabulary
     * @param texts the texts
     * @return their bags of words (M, V)
     */
    public static NDArray bags(NDManager manager, Captions captions, java.util.List<String> texts) {
        return manager.create(captions.bagsOfWords(texts), new Shape(texts.size(), captions.vocabulary().size()));
    }

    /**
     * Runs one optimizer step on the objective.
     *
     * @param objective builds the loss
     * @return the loss value before the update
     */
    public float step(Objective objective) {
        try (NDManager stepManager = model.djlModel().getNDManager().newSubManager();
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
