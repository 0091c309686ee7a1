package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.Classifiers;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A loaded classifier model version: a network mapping images to {@code (z, logits)} whose parameters the gradient
 * methods ({@code fine_tune}, {@code neg_grad_plus}, {@code contrastive}) train in place on a copy.
 *
 * <p>This class is the {@code classifier} family: a {@link ClassifierBlock} and its parameters. Its one subclass,
 * {@link TorchScriptClassifier} (family {@code torchscript_classifier}), runs a TorchScript module instead, so
 * every method written against this class runs unchanged on either.
 */
public sealed class ClassifierModel implements Network permits TorchScriptClassifier {

    private final Model model;
    private final ClassifierBlock block;
    private final ModelInfo info;
    private ForgetRequest forgotten = ForgetRequest.none();

    /**
     * @param block the built-in network, or null for a {@link TorchScriptClassifier} (which overrides every use)
     */
    ClassifierModel(Model model, ClassifierBlock block, ModelInfo info) {
        this.model = model;
        this.block = block;
        this.info = info;
    }

    /**
     * Creates a freshly initialized classifier on DJL's default device (a GPU when one is present).
     *
     * @param arch the sizes
     * @param seed seeds DJL and libtorch before the parameters are drawn
     * @return the model
     */
    public static ClassifierModel create(ClassifierArchitecture arch, long seed) {
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) seed);
        Device device = engine.defaultDevice();
        Model model = Model.newInstance("classifier", device);
        ClassifierBlock block = new ClassifierBlock(arch);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, new ai.djl.ndarray.types.Shape(1, 1, arch.rows(),
                arch.cols()));
        ModelInfo info = new ModelInfo(seed, engine.getEngineName(), Engine.getDjlVersion(), device.toString(),
                arch.numClasses(), arch.rows(), arch.cols());
        return new ClassifierModel(model, block, info);
    }

    static ClassifierModel load(ModelInfo info, ClassifierArchitecture arch, DataInputStream in)
            throws IOException, MalformedModelException {
        Model model = Model.newInstance("classifier", Engine.getInstance().defaultDevice());
        ClassifierBlock block = new ClassifierBlock(arch);
        model.setBlock(block);
        block.loadParameters(model.getNDManager(), in);
        return new ClassifierModel(model, block, info);
    }

    @Override
    public FamilySpec family() {
        return Classifiers.CLASSIFIER;
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
        return block;
    }

    @Override
    public ClassifierModel copy() {
        return (ClassifierModel) ModelFormat.roundTrip(this);
    }

    @Override
    public void save(OutputStream out) throws IOException {
        ModelFormat.write(out, Classifiers.CLASSIFIER, info, forgotten, block.architecture(), null, block);
    }

    @Override
    public void close() {
        model.close();
    }
}
