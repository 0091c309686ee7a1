package io.unlearn.unlearning.internal.model;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.spi.ModelHandle;

/** A model handle whose network maps images to {@code (z, logits)}; what training and metrics need. */
public interface Network extends ModelHandle {

    /** @return the DJL model that owns the parameters */
    Model djlModel();

    /**
     * @return the classifier block (for DKVB: the frozen backbone whose z feeds the bottleneck)
     * @throws io.unlearn.unlearning.errors.UnlearningException for a {@link TorchScriptClassifier}, which has none
     */
    ClassifierBlock classifierBlock();

    /**
     * Runs the network.
     *
     * @param ps the parameter store
     * @param x images (N, 1, rows, cols)
     * @param training whether this is a training pass
     * @return {@code (z, logits)}: embedding (N, E) and class logits (N, numClasses)
     */
    default NDList forward(ParameterStore ps, NDArray x, boolean training) {
        return djlModel().getBlock().forward(ps, new NDList(x), training);
    }

    /** @return the shape of a one-image input batch, for initialization: (1, 1, rows, cols) of {@link #info()} */
    default Shape inputShape() {
        return new Shape(1, 1, info().imageRows(), info().imageCols());
    }

    @Override
    Network copy();
}
