package io.unlearn.unlearning.internal.denoiser;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The denoiser's network: a small U-Net that predicts the noise of a noisy image, {@code eps_hat = f(m_t, t)}.
 *
 * <pre>
 *   e  = dense(timeDim) silu dense(timeDim) of sinusoidal(t, timeDim)            t: (N), float timesteps
 *   h0 = res(c)(conv3x3(c)(pad16(m)))                    H x W          m: (N, 1, H, W), pixels scaled to [-1, 1]
 *   h1 = res(2c)(conv3x3/2(2c)(h0))                      H/2 x W/2
 *   h2 = res(2c)(conv3x3/2(2c)(h1))                      H/4 x W/4
 *   u1 = res(2c)(up2(h2) ++ h1)                          H/2 x W/2
 *   u0 = res(c)(up2(u1) ++ h0)                           H x W
 *   eps_hat = channel 0 of conv3x3(16)(silu(norm(u0)))   (N, 1, H, W)
 * </pre>
 *
 * <p>res is a {@link ResidualBlock} (per-image normalization, time embedding added between its convolutions).
 * Every convolution has a multiple of 16 input and output channels (the image is zero-padded to 16 channels, the
 * output convolution has 16 filters of which the first is used): oneDNN's blocked 16-channel layout reads
 * uninitialized padding in the convolution's backward pass otherwise, which gave NaN gradients at random.
 * Children are named as their fields; these names are saved, so never rename or reorder them.
 */
public final class DenoiserBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    /** The channel multiple oneDNN's blocked layout needs. */
    static final int CHANNEL_MULTIPLE = 16;

    private final DenoiserArchitecture arch;
    private final Linear time1;
    private final Linear time2;
    private final Conv2d input;
    private final ResidualBlock res0;
    private final Conv2d down1;
    private final ResidualBlock res1;
    private final Conv2d down2;
    private final ResidualBlock res2;
    private final ResidualBlock up1;
    private final ResidualBlock up0;
    private final Conv2d output;

    /**
     * Builds the (uninitialized) block.
     *
     * @param arch the sizes
     */
    public DenoiserBlock(DenoiserArchitecture arch) {
        super(VERSION);
        this.arch = arch;
        int c = arch.channels();
        time1 = addChildBlock("time1", Linear.builder().setUnits(arch.timeDim()).build());
        time2 = addChildBlock("time2", Linear.builder().setUnits(arch.timeDim()).build());
        input = addChildBlock("input", ResidualBlock.conv3x3(c));
        res0 = addChildBlock("res0", new ResidualBlock(c, c));
        down1 = addChildBlock("down1", strided(2 * c));
        res1 = addChildBlock("res1", new ResidualBlock(2 * c, 2 * c));
        down2 = addChildBlock("down2", strided(2 * c));
        res2 = addChildBlock("res2", new ResidualBlock(2 * c, 2 * c));
        up1 = addChildBlock("up1", new ResidualBlock(4 * c, 2 * c));
        up0 = addChildBlock("up0", new ResidualBlock(3 * c, c));
        output = addChildBlock("output", ResidualBlock.conv3x3(CHANNEL_MULTIPLE));
    }

    private static Conv2d strided(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1))
                .optStride(new Shape(2, 2)).setFilters(filters).build();
    }

    /** @return the sizes */
    public DenoiserArchitecture architecture() {
        return arch;
    }

    /**
     * @param ps the parameter store
     * @param m noisy images (N, 1, rows, cols), pixels scaled to [-1, 1]
     * @param t timesteps (N), float
     * @param training whether this is a training pass
     * @return the predicted noise (N, 1, rows, cols)
     */
    public NDArray predictNoise(ParameterStore ps, NDArray m, NDArray t, boolean training) {
        return forward(ps, new NDList(m, t), training).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray m = inputs.get(0);
        NDArray t = inputs.get(1);
        long n = m.getShape().get(0);
        NDArray e = time1.forward(ps, new NDList(sinusoidal(t, arch.timeDim())), training).singletonOrThrow();
        e = time2.forward(ps, new NDList(ResidualBlock.silu(e)), training).singletonOrThrow();
        NDArray padded = NDArrays.concat(new NDList(m, m.getManager().zeros(
                new Shape(n, CHANNEL_MULTIPLE - 1, arch.rows(), arch.cols()), m.getDataType(), m.getDevice())), 1);
        NDArray h0 = input.forward(ps, new NDList(padded), training).singletonOrThrow();
        h0 = res0.forward(ps, new NDList(h0, e), training).singletonOrThrow();
        NDArray h1 = down1.forward(ps, new NDList(h0), training).singletonOrThrow();
        h1 = res1.forward(ps, new NDList(h1, e), training).singletonOrThrow();
        NDArray h2 = down2.forward(ps, new NDList(h1), training).singletonOrThrow();
        h2 = res2.forward(ps, new NDList(h2, e), training).singletonOrThrow();
        NDArray u1 = up1.forward(ps, new NDList(NDArrays.concat(new NDList(upsampled(h2), h1), 1), e), training)
                .singletonOrThrow();
        NDArray u0 = up0.forward(ps, new NDList(NDArrays.concat(new NDList(upsampled(u1), h0), 1), e), training)
                .singletonOrThrow();
        NDArray out = output.forward(ps, new NDList(ResidualBlock.silu(ResidualBlock.normalized(u0))), training)
                .singletonOrThrow();
        return new NDList(out.get(new NDIndex(":, 0:1")));
    }

    private static NDArray upsampled(NDArray h) {
        return h.repeat(2, 2).repeat(3, 2);
    }

    /** Sinusoidal embedding of the timesteps (Vaswani et al.): {@code [sin(t w_i), cos(t w_i)]}, w_i = 1e4^(-i/h). */
    static NDArray sinusoidal(NDArray t, int dim) {
        int half = dim / 2;
        float[] w = new float[half];
        for (int i = 0; i < half; i++) {
            w[i] = (float) Math.exp(-Math.log(10_000) * i / half);
        }
        NDArray freqs = t.getManager().create(w).toDevice(t.getDevice(), false);
        NDArray angles = t.reshape(-1, 1).toType(DataType.FLOAT32, false).mul(freqs.reshape(1, half));
        return NDArrays.concat(new NDList(angles.sin(), angles.cos()), 1);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return new Shape[] {new Shape(inputShapes[0].get(0), 1, arch.rows(), arch.cols())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        long n = inputShapes[0].get(0);
        int c = arch.channels();
        int r = arch.rows();
        int w = arch.cols();
        Shape e = new Shape(n, arch.timeDim());
        time1.initialize(manager, dataType, e);
        time2.initialize(manager, dataType, e);
        input.initialize(manager, dataType, new Shape(n, CHANNEL_MULTIPLE, r, w));
        res0.initialize(manager, dataType, new Shape(n, c, r, w), e);
        down1.initialize(manager, dataType, new Shape(n, c, r, w));
        res1.initialize(manager, dataType, new Shape(n, 2 * c, r / 2, w / 2), e);
        down2.initialize(manager, dataType, new Shape(n, 2 * c, r / 2, w / 2));
        res2.initialize(manager, dataType, new Shape(n, 2 * c, r / 4, w / 4), e);
        up1.initialize(manager, dataType, new Shape(n, 4 * c, r / 2, w / 2), e);
        up0.initialize(manager, dataType, new Shape(n, 3 * c, r, w), e);
        output.initialize(manager, dataType, new Shape(n, c, r, w));
    }

    /**
     * @param arch the sizes
     * @return the input shapes of a one-image batch, for initialization: images (1, 1, rows, cols), t (1)
     */
    public static Shape[] inputShapes(DenoiserArchitecture arch) {
        return new Shape[] {new Shape(1, 1, arch.rows(), arch.cols()), new Shape(1)};
    }
}
