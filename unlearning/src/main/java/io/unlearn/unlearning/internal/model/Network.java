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

    /** @return the classifier block (for DKVB: the frozen backbone whose z feeds the bottleneck) */
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

    /** @return the shape of a one-image input batch, for initialization */
    default Shape inputShape() {
        ClassifierArchitecture a = classifierBlock().architecture();
        return new Shape(1, 1, a.rows(), a.cols());
    }

    @Override
    Network copy();
}
