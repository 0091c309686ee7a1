package io.unlearn.unlearning.internal.denoiser;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.internal.model.ClassifierArchitecture;
import io.unlearn.unlearning.internal.model.ModelFormat;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;

/**
 * A loaded denoiser model version (family {@code denoiser}): a {@link DenoiserBlock} and its parameters, the noise
 * schedule it was trained for and its training recipe.
 *
 * <p>Saved in the shared versioned format ({@link ModelFormat}); the header's sizes are {@code numClasses} (of the
 * training set, unused), {@code rows}, {@code cols}, {@code conv1} = channels, {@code conv2} = 0, {@code hidden} =
 * timeDim, {@code embeddingDim} = 0; this family's section, after the header:
 *
 * <pre>
 *   int timesteps; float betaStart, betaEnd                      the noise schedule
 *   int epochs, batchSize; float learningRate                    the training recipe (seed: the header's)
 * </pre>
 */
public final class DenoiserModel implements ModelHandle {

    private final Model model;
    private final DenoiserBlock block;
    private final ModelInfo info;
    private final NoiseSchedule schedule;
    private final DenoiserRecipe recipe;
    private ForgetRequest forgotten = ForgetRequest.none();

    private DenoiserModel(Model model, DenoiserBlock block, ModelInfo info, NoiseSchedule schedule,
            DenoiserRecipe recipe) {
        this.model = model;
        this.block = block;
        this.info = info;
        this.schedule = schedule;
        this.recipe = recipe;
    }

    /**
     * Creates a freshly initialized denoiser on DJL's default device.
     *
     * @param arch the sizes
     * @param schedule the noise schedule
     * @param numClasses the training set's number of classes (recorded only)
     * @param recipe the recipe it will be trained with (its seed seeds DJL and libtorch here)
     * @return the model
     */
    public static DenoiserModel create(DenoiserArchitecture arch, NoiseSchedule schedule, int numClasses,
            DenoiserRecipe recipe) {
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) recipe.seed());
        Device device = engine.defaultDevice();
        Model model = Model.newInstance("denoiser", device);
        DenoiserBlock block = new DenoiserBlock(arch);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, DenoiserBlock.inputShapes(arch));
        ModelInfo info = new ModelInfo(recipe.seed(), engine.getEngineName(), Engine.getDjlVersion(),
                device.toString(), numClasses, arch.rows(), arch.cols());
        return new DenoiserModel(model, block, info, schedule, recipe);
    }

    /**
     * Reads this family's section and parameters; called by {@link ModelFormat#read} after the header.
     *
     * @param info provenance from the header
     * @param header the header's sizes
     * @param in the stream, positioned at this family's section
     * @return the model
     * @throws IOException when reading fails
     * @throws MalformedModelException when the parameters do not fit the block
     */
    public static DenoiserModel load(ModelInfo info, ClassifierArchitecture header, DataInputStream in)
            throws IOException, MalformedModelException {
        NoiseSchedule schedule = new NoiseSchedule(in.readInt(), in.readFloat(), in.readFloat());
        DenoiserRecipe recipe = new DenoiserRecipe(in.readInt(), in.readInt(), in.readFloat(), info.seed());
        DenoiserArchitecture arch = new DenoiserArchitecture(header.rows(), header.cols(), header.conv1(),
                header.hidden());
        Model model = Model.newInstance("denoiser", Engine.getInstance().defaultDevice());
        DenoiserBlock block = new DenoiserBlock(arch);
        model.setBlock(block);
        block.loadParameters(model.getNDManager(), in);
        return new DenoiserModel(model, block, info, schedule, recipe);
    }

    /** @return the DJL model that owns the parameters */
    public Model djlModel() {
        return model;
    }

    /** @return the network */
    public DenoiserBlock block() {
        return block;
    }

    /** @return the noise schedule */
    public NoiseSchedule schedule() {
        return schedule;
    }

    /** @return the recipe the model was trained with (the seed is {@link #info()}'s) */
    public DenoiserRecipe recipe() {
        return recipe;
    }

    @Override
    public FamilySpec family() {
        return DenoiserFamily.DENOISER;
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
    public DenoiserModel copy() {
        return (DenoiserModel) ModelFormat.roundTrip(this);
    }

    @Override
    public void save(OutputStream out) throws IOException {
        DenoiserArchitecture a = block.architecture();
        ClassifierArchitecture header = new ClassifierArchitecture(info.numClasses(), a.rows(), a.cols(),
                a.channels(), 0, a.timeDim(), 0);
        ModelFormat.writeWithSection(out, DenoiserFamily.DENOISER, info, forgotten, header, section -> {
            section.writeInt(schedule.timesteps());
            section.writeFloat(schedule.betaStart());
            section.writeFloat(schedule.betaEnd());
            section.writeInt(recipe.epochs());
            section.writeInt(recipe.batchSize());
            section.writeFloat(recipe.learningRate());
        }, block);
    }

    @Override
    public void close() {
        model.close();
    }
}
