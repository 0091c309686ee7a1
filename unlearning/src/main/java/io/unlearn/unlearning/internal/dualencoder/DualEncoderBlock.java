package io.unlearn.unlearning.internal.dualencoder;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Blocks;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * The dual encoder's network: an image tower and a text tower projected into one L2-normalized space, and a
 * learnable temperature.
 *
 * <pre>
 *   u = image(x) / ||image(x)||     x: (N, 1, rows, cols) -> conv3x3(conv1) relu pool2 conv3x3(conv2) relu pool2
 *                                   flatten dense(imageHidden) relu dense(embeddingDim)        u: (N, embeddingDim)
 *   v = text(b) / ||text(b)||       b: (M, vocabularySize), the mean of the caption's one-hot tokens
 *                                   -> dense(tokenDim, no bias) = mean-pooled token embedding, then
 *                                   dense(textHidden) relu dense(embeddingDim)                 v: (M, embeddingDim)
 *   s = exp(min(logitScale, ln 100))                                         the CLIP logit scale, s · u·v = logit
 * </pre>
 *
 * <p>{@code forward((x, b))} returns {@code (u, v, s)} with s of shape (1). Children are named {@code image} and
 * {@code text}, the scale parameter {@code logitScale}; these names are saved, so never rename or reorder them.
 * The scale starts at ln(1/0.07) and is capped at 100, as in CLIP: uncapped, it grows until the loss is
 * dominated by a few hard pairs.
 */
public final class DualEncoderBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float INITIAL_LOGIT_SCALE = (float) Math.log(1 / 0.07);
    private static final float MAX_LOGIT_SCALE = (float) Math.log(100);

    private final DualEncoderArchitecture arch;
    private final SequentialBlock image;
    private final SequentialBlock text;
    private final Parameter logitScale;

    /**
     * Builds the (uninitialized) block.
     *
     * @param arch the sizes
     */
    public DualEncoderBlock(DualEncoderArchitecture arch) {
        super(VERSION);
        this.arch = arch;
        Shape k3 = new Shape(3, 3);
        Shape pad1 = new Shape(1, 1);
        Shape two = new Shape(2, 2);
        image = addChildBlock("image", new SequentialBlock()
                .add(Conv2d.builder().setKernelShape(k3).optPadding(pad1).setFilters(arch.conv1()).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(two, two, new Shape(0, 0), false))
                .add(Conv2d.builder().setKernelShape(k3).optPadding(pad1).setFilters(arch.conv2()).build())
                .add(Activation.reluBlock())
                .add(Pool.maxPool2dBlock(two, two, new Shape(0, 0), false))
                .add(Blocks.batchFlattenBlock())
                .add(Linear.builder().setUnits(arch.imageHidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(arch.embeddingDim()).build()));
        text = addChildBlock("text", new SequentialBlock()
                .add(Linear.builder().setUnits(arch.tokenDim()).optBias(false).build())
                .add(Linear.builder().setUnits(arch.textHidden()).build())
                .add(Activation.reluBlock())
                .add(Linear.builder().setUnits(arch.embeddingDim()).build()));
        logitScale = addParameter(Parameter.builder().setName("logitScale").setType(Parameter.Type.OTHER)
                .optShape(new Shape(1)).optInitializer(new ConstantInitializer(INITIAL_LOGIT_SCALE)).build());
    }

    /** @return the sizes */
    public DualEncoderArchitecture architecture() {
        return arch;
    }

    /**
     * @param ps the parameter store
     * @param x images (N, 1, rows, cols)
     * @param training whether this is a training pass
     * @return u (N, embeddingDim), unit rows
     */
    public NDArray embedImages(ParameterStore ps, NDArray x, boolean training) {
        return normalized(image.forward(ps, new NDList(x), training).singletonOrThrow());
    }

    /**
     * @param ps the parameter store
     * @param bags bags of words (M, vocabularySize), see {@link Captions#bagsOfWords}
     * @param training whether this is a training pass
     * @return v (M, embeddingDim), unit rows
     */
    public NDArray embedTexts(ParameterStore ps, NDArray bags, boolean training) {
        return normalized(text.forward(ps, new NDList(bags), training).singletonOrThrow());
    }

    /**
     * @param ps the parameter store
     * @param like an array on the device and manager the result should use
     * @param training whether this is a training pass
     * @return the logit scale s (1), capped at 100
     */
    public NDArray scale(ParameterStore ps, NDArray like, boolean training) {
        NDArray raw = ps.getValue(logitScale, like.getDevice(), training);
        return raw.minimum(MAX_LOGIT_SCALE).exp();
    }

    private static NDArray normalized(NDArray p) {
        return p.div(p.norm(new int[] {1}, true).add(1e-12f));
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray u = embedImages(ps, inputs.get(0), training);
        NDArray v = embedTexts(ps, inputs.get(1), training);
        return new NDList(u, v, scale(ps, u, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), arch.embeddingDim()),
            new Shape(inputShapes[1].get(0), arch.embeddingDim()), new Shape(1)};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        image.initialize(manager, dataType, inputShapes[0]);
        text.initialize(manager, dataType, inputShapes[1]);
    }

    /**
     * @param arch the sizes
     * @return the input shapes of a one-pair batch, for initialization: images (1, 1, rows, cols), bags (1, V)
     */
    public static Shape[] inputShapes(DualEncoderArchitecture arch) {
        return new Shape[] {new Shape(1, 1, arch.rows(), arch.cols()), new Shape(1, arch.vocabularySize())};
    }
}
