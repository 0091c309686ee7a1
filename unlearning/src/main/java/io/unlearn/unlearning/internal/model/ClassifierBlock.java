package io.unlearn.unlearning.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The classifier family's network: CNN encoder, MLP projection, L2-normalized embedding, linear head.
 *
 * <pre>
 *   h = encoder(x)          x: (N, 1, rows, cols) -> conv3x3(conv1) relu pool2 conv3x3(conv2) relu pool2
 *                           flatten dense(hidden) relu -> h: (N, hidden)
 *   z = p / ||p||_2,  p = projection(h) = dense(embeddingDim)(relu(dense(hidden)(h)))   z: (N, embeddingDim)
 *   logits = head(z) = W z + b                                                          logits: (N, numClasses)
 * </pre>
 *
 * <p>{@code forward} returns {@code (z, logits)}. Children are named {@code encoder}, {@code projection},
 * {@code head}; these names are saved, so never rename or reorder them.
 */
public final class ClassifierBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final ClassifierArchitecture arch;
    private final SequentialBlock encoder;
    private final SequentialBlock projection;
    private final Linear head;

    /**
     * Builds the (uninitialized) block.
     *
     * @param arch the sizes
     */
    public ClassifierBlock(ClassifierArchitecture arch) {
        super(VERSION);
        this.arch = arch;
        Shape k3 = new Shape(3, 3);
        Shape pad1 = new Shape(1, 1);
        Shape two = new Shape(2, 2);
        encoder = addChildBlock("encoder", new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(k3).optPadding(pad1).setFilters(arch.conv1()).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(two, two, new Shape(0, 0), false))
                .add(Conv2d.builder().setKernelShape(k3).optPadding(pad1).setFilters(arch.conv2()).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(two, two, new Shape(0, 0), false))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(arch.hidden()).build())
                .add(Activation.reluBlock()));
        projection = addChildBlock("projection", new SequentialBlock()
                .add(Linear.builder().setUnits(arch.hidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(arch.embeddingDim()).build()));
        head = addChildBlock("head", Linear.builder().setUnits(arch.numClasses()).build());
    }

    /** @return the sizes */
    public ClassifierArchitecture architecture() {
        return arch;
    }

    /**
     * Computes the normalized embedding only.
     *
     * @param ps the parameter store
     * @param x images (N, 1, rows, cols)
     * @param training whether this is a training pass
     * @return z (N, embeddingDim), unit L2 norm per row
     */
    public NDArray embed(ParameterStore ps, NDArray x, boolean training) {
        NDList h = encoder.forward(ps, new NDList(x), training);
        NDArray p = projection.forward(ps, h, training).singletonOrThrow();
        return p.div(p.norm(new int[] {1}, true).add(1e-12f));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray z = embed(ps, inputs.singletonOrThrow(), training);
        NDArray logits = head.forward(ps, new NDList(z), training).singletonOrThrow();
        return new NDList(z, logits);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, arch.embeddingDim()), new Shape(n, arch.numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        encoder.initialize(manager, dataType, inputShapes);
        Shape[] h = encoder.getOutputShapes(inputShapes);
        projection.initialize(manager, dataType, h);
        head.initialize(manager, dataType, projection.getOutputShapes(h));
    }
}
