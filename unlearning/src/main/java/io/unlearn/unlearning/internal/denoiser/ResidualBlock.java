package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One residual block of the denoiser's U-Net, conditioned on the time embedding:
 * {@code out = skip(h) + conv2(silu(norm(conv1(silu(norm(h))) + time(e)))}, norm a per-image normalization,
 * {@code skip} a 1x1 convolution when the channel count changes. Inputs {@code (h (N, in, H, W), e (N, timeDim))},
 * output {@code (N, out, H, W)}. Children are named {@code conv1}, {@code time}, {@code conv2}, {@code skip}; these
 * names are saved.
 */
final class ResidualBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int in;
    private final int out;
    private final Conv2d conv1;
    private final Linear time;
    private final Conv2d conv2;
    private final Conv2d skip;

    ResidualBlock(int in, int out) {
        super(VERSION);
        this.in = in;
        this.out = out;
        conv1 = addChildBlock("conv1", conv3x3(out));
        time = addChildBlock("time", Linear.builder().setUnits(out).build());
        conv2 = addChildBlock("conv2", conv3x3(out));
        skip = in == out ? null : addChildBlock("skip", Conv2d.builder().setKernelShape(new Shape(1, 1))
                .setFilters(out).build());
    }

    static Conv2d conv3x3(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
                .build();
    }

    static NDArray silu(NDArray x) {
        return Activation.swish(x, 1f);
    }

    /**
     * Normalizes each image's activations over channels and pixels (group normalization with one group, no affine
     * parameters): without it the residual sums grow with depth and the first steps' huge outputs stall training.
     */
    static NDArray normalized(NDArray h) {
        Shape shape = h.getShape();
        NDArray flat = h.reshape(shape.get(0), -1);
        NDArray centred = flat.sub(flat.mean(new int[] {1}, true));
        NDArray variance = centred.square().mean(new int[] {1}, true);
        return centred.div(variance.add(1e-5f).sqrt()).reshape(shape);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray h = inputs.get(0);
        NDArray e = inputs.get(1);
        NDArray y = conv1.forward(ps, new NDList(silu(normalized(h))), training).singletonOrThrow();
        NDArray te = time.forward(ps, new NDList(e), training).singletonOrThrow();
        y = y.add(te.reshape(te.getShape().get(0), out, 1, 1));
        y = conv2.forward(ps, new NDList(silu(normalized(y))), training).singletonOrThrow();
        NDArray s = skip == null ? h : skip.forward(ps, new NDList(h), training).singletonOrThrow();
        return new NDList(s.add(y));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape h = inputShapes[0];
        return new Shape[] {new Shape(h.get(0), out, h.get(2), h.get(3))};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape h = inputShapes[0];
        Shape y = new Shape(h.get(0), out, h.get(2), h.get(3));
        conv1.initialize(manager, dataType, h);
        time.initialize(manager, dataType, inputShapes[1]);
        conv2.initialize(manager, dataType, y);
        if (skip != null) {
            skip.initialize(manager, dataType, h);
        }
    }

    @Override
    public String toString() {
        return "ResidualBlock(" + in + " -> " + out + ")";
    }
}
