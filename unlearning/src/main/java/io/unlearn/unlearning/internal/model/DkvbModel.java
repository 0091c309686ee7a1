package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.Classifiers;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** A loaded DKVB-classifier model version: frozen backbone, frozen keys, learnable values, key mask. */
public final class DkvbModel implements Network {

    private final Model model;
    private final DkvbBlock block;
    private final ModelInfo info;
    private ForgetRequest forgotten = ForgetRequest.none();

    private DkvbModel(Model model, DkvbBlock block, ModelInfo info) {
        this.model = model;
        this.block = block;
        this.info = info;
    }

    /**
     * Creates a DKVB model whose backbone is a bit-exact copy of a classifier's parameters; the projection is
     * drawn from the seed, keys, values and mask start at zero.
     *
     * @param classifier the trained classifier (not modified)
     * @param arch the bottleneck sizes
     * @param seed seeds the random projection
     * @return the model
     */
    public static DkvbModel create(ClassifierModel classifier, DkvbArchitecture arch, long seed) {
        ClassifierArchitecture ca = classifier.classifierBlock().architecture();
        Model model = Model.newInstance("dkvb_classifier", Engine.getInstance().defaultDevice());
        ClassifierBlock backbone = new ClassifierBlock(ca);
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            classifier.classifierBlock().saveParameters(new DataOutputStream(bytes));
            backbone.loadParameters(model.getNDManager(),
                    new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        } catch (IOException | MalformedModelException e) {
            model.close();
            throw new UnlearningException("cannot copy the classifier into a DKVB backbone: " + e.getMessage(), e);
        }
        backbone.freezeParameters(true);
        DkvbBlock block = new DkvbBlock(backbone, arch);
        model.setBlock(block);
        Engine.getInstance().setRandomSeed((int) seed);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, ca.rows(),
                ca.cols()));
        ModelInfo ci = classifier.info();
        return new DkvbModel(model, block, new ModelInfo(seed, ci.engine(), ci.djlVersion(), ci.device(),
                ci.numClasses(), ci.imageRows(), ci.imageCols()));
    }

    static DkvbModel load(ModelInfo info, ClassifierArchitecture ca, DkvbArchitecture arch, DataInputStream in)
            throws IOException, MalformedModelException {
        Model model = Model.newInstance("dkvb_classifier", Engine.getInstance().defaultDevice());
        ClassifierBlock backbone = new ClassifierBlock(ca);
        DkvbBlock block = new DkvbBlock(backbone, arch);
        model.setBlock(block);
        block.loadParameters(model.getNDManager(), in);
        backbone.freezeParameters(true);
        return new DkvbModel(model, block, info);
    }

    /** @return the DKVB block */
    public DkvbBlock dkvbBlock() {
        return block;
    }

    /**
     * Returns the key mask.
     *
     * @return C*K flags in codebook-major order, 1 = masked
     */
    public float[] keyMask() {
        return block.maskArray().toFloatArray();
    }

    /**
     * Replaces the key mask.
     *
     * @param mask C*K flags in codebook-major order, 1 = masked
     */
    public void setKeyMask(float[] mask) {
        NDArray m = block.maskArray();
        if (mask.length != m.size()) {
            throw new IllegalArgumentException("mask has " + mask.length + " entries, the model has " + m.size()
                    + " keys");
        }
        m.set(mask);
    }

    /**
     * Replaces the keys.
     *
     * @param keys C*K*D values in codebook-major order
     */
    public void setKeys(float[] keys) {
        block.keysArray().set(keys);
    }

    @Override
    public FamilySpec family() {
        return Classifiers.DKVB_CLASSIFIER;
    }

    @Override
    public ModelInfo info() {
        return info;
    }

    @Override
    public ForgetRequest forgotten() {
        return forgotten;
    }

    @Override
    public void recordForgotten(ForgetRequest cumulative) {
        forgotten = Objects.requireNonNull(cumulative);
    }

    @Override
    public Model djlModel() {
        return model;
    }

    @Override
    public ClassifierBlock classifierBlock() {
        return block.backbone();
    }

    @Override
    public DkvbModel copy() {
        return (DkvbModel) ModelFormat.roundTrip(this);
    }

    @Override
    public void save(OutputStream out) throws IOException {
        ModelFormat.write(out, Classifiers.DKVB_CLASSIFIER, info, forgotten, block.backbone().architecture(),
                block.architecture(), block);
    }

    @Override
    public void close() {
        model.close();
    }
}
