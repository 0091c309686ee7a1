package io.unlearn.unlearning.internal.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelFamily;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/** A loaded classifier-family model version: a {@link ClassifierBlock} and its parameters. */
public final class ClassifierModel implements Network {

    private final Model model;
    private final ClassifierBlock block;
    private final ModelInfo info;
    private ForgetRequest forgotten = ForgetRequest.none();

    private ClassifierModel(Model model, ClassifierBlock block, ModelInfo info) {
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
    public ModelFamily family() {
        return ModelFamily.CLASSIFIER;
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
        ModelFormat.write(out, ModelFamily.CLASSIFIER, info, forgotten, block.architecture(), null, block);
    }

    @Override
    public void close() {
        model.close();
    }
}
