package io.unlearn.unlearning.internal.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;

/**
 * Discrete key-value bottleneck (Shah et al. 2023, arXiv 2311.15268) on a frozen classifier embedding.
 *
 * <pre>
 *   z = backbone.embed(x)                      (N, E)      frozen
 *   q_c = (z P)[:, c]                          (N, C, D)   P: (E, C*D) fixed random projection, frozen
 *   sel_c = argmin_{j : m_cj = 0} ||q_c - k_cj||^2          keys k: (C, K, D) from k-means, frozen
 *   S_cj = [j = sel_c] (1 - m_cj)              (N, C, K)   one-hot selection; m: (C, K) key mask, 1 = masked
 *   logits = (1/C) sum_c v_{c, sel_c}          (N, numClasses)   values v: (C, K, numClasses), learnable
 * </pre>
 *
 * <p>{@code forward} takes images (N, 1, rows, cols) and returns {@code (z, logits)}, or takes cached key
 * selections (N, C) and returns {@code (logits)}. Only {@code values} is trained. The key mask is a parameter without gradient, so it is saved with the
 * model. A codebook whose keys are all masked contributes nothing.
 */
public final class DkvbBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    private static final float MASKED_DISTANCE = 1e9f;

    private final DkvbArchitecture arch;
    private final ClassifierBlock backbone;
    private final Parameter projection;
    private final Parameter keys;
    private final Parameter values;
    private final Parameter keyMask;

    /**
     * Builds the block around a backbone; the backbone's parameters are frozen.
     *
     * @param backbone the classifier block whose embedding z is the encoder output
     * @param arch the bottleneck sizes
     */
    public DkvbBlock(ClassifierBlock backbone, DkvbArchitecture arch) {
        super(VERSION);
        this.arch = arch;
        int c = arch.codebooks();
        int k = arch.keysPerCodebook();
        int d = arch.keyDim();
        int e = backbone.architecture().embeddingDim();
        this.backbone = addChildBlock("backbone", backbone);
        projection = addParameter(Parameter.builder().setName("projection").setType(Parameter.Type.OTHER)
                .optShape(new Shape(e, (long) c * d)).optInitializer(new NormalInitializer((float) (1 / Math.sqrt(d))))
                .optRequiresGrad(false).build());
        keys = addParameter(Parameter.builder().setName("keys").setType(Parameter.Type.OTHER)
                .optShape(new Shape(c, k, d)).optInitializer(new ConstantInitializer(0f)).optRequiresGrad(false)
                .build());
        values = addParameter(Parameter.builder().setName("values").setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(c, k, backbone.architecture().numClasses()))
                .optInitializer(new ConstantInitializer(0f)).build());
        keyMask = addParameter(Parameter.builder().setName("keyMask").setType(Parameter.Type.OTHER)
                .optShape(new Shape(c, k)).optInitializer(new ConstantInitializer(0f)).optRequiresGrad(false)
                .build());
    }

    /** @return the bottleneck sizes */
    public DkvbArchitecture architecture() {
        return arch;
    }

    /** @return the frozen backbone */
    public ClassifierBlock backbone() {
        return backbone;
    }

    /** @return the key array (C, K, D), owned by the model */
    public NDArray keysArray() {
        return keys.getArray();
    }

    /** @return the mask array (C, K), 1 = masked, owned by the model */
    public NDArray maskArray() {
        return keyMask.getArray();
    }

    /**
     * Projects embeddings into the C heads.
     *
     * @param ps the parameter store
     * @param z embeddings (N, E)
     * @return queries (N, C, D)
     */
    public NDArray queries(ParameterStore ps, NDArray z) {
        NDArray p = ps.getValue(projection, z.getDevice(), false);
        return z.matMul(p).reshape(z.getShape().get(0), arch.codebooks(), arch.keyDim());
    }

    /**
     * Selects each head's nearest unmasked key.
     *
     * @param ps the parameter store
     * @param z embeddings (N, E)
     * @return selected key index per head (N, C), int64
     */
    public NDArray selectKeys(ParameterStore ps, NDArray z) {
        NDArray q = queries(ps, z).transpose(1, 0, 2);
        NDArray k = ps.getValue(keys, z.getDevice(), false);
        NDArray m = ps.getValue(keyMask, z.getDevice(), false);
        // ||q - k||^2 = ||q||^2 - 2 q.k + ||k||^2; ||q||^2 does not change the argmin
        NDArray dots = q.matMul(k.transpose(0, 2, 1)).transpose(1, 0, 2);
        NDArray distance = k.square().sum(new int[] {2}).expandDims(0).sub(dots.mul(2f))
                .add(m.mul(MASKED_DISTANCE).expandDims(0));
        return distance.argMin(2);
    }

    /**
     * Averages the selected values: {@code logits = (1/C) sum_c v[c, sel_c] (1 - m[c, sel_c])}.
     *
     * @param ps the parameter store
     * @param selected key index per head (N, C)
     * @param training whether gradients flow into the values
     * @return logits (N, numClasses)
     */
    public NDArray decode(ParameterStore ps, NDArray selected, boolean training) {
        int c = arch.codebooks();
        int k = arch.keysPerCodebook();
        long n = selected.getShape().get(0);
        NDArray m = ps.getValue(keyMask, selected.getDevice(), false);
        NDArray v = ps.getValue(values, selected.getDevice(), training);
        NDArray s = selected.oneHot(k, DataType.FLOAT32).mul(m.neg().add(1f).expandDims(0));
        return s.reshape(n, (long) c * k).matMul(v.reshape((long) c * k, -1)).div(c);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        if (x.getShape().dimension() == 2) {
            // cached key selections (N, C): lets the values be trained without re-running the frozen backbone
            return new NDList(decode(ps, x, training));
        }
        NDArray z = backbone.embed(ps, x, false);
        return new NDList(z, decode(ps, selectKeys(ps, z), training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        long n = inputShapes[0].get(0);
        return new Shape[] {new Shape(n, backbone.architecture().embeddingDim()),
            new Shape(n, backbone.architecture().numClasses())};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        backbone.initialize(manager, dataType, inputShapes);
    }
}
