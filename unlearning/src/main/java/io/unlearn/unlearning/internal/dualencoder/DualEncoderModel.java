package io.unlearn.unlearning.internal.dualencoder;

import io.unlearn.catalog.families.DualEncoderFamily;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.ndarray.types.DataType;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.internal.model.ClassifierArchitecture;
import io.unlearn.unlearning.internal.model.ModelFormat;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A loaded dual-encoder model version (family {@code dual_encoder}): a {@link DualEncoderBlock} and its
 * parameters, the {@link Captions} that define its pairs and prompts, and the recipe it was trained with.
 *
 * <p>Saved in the shared versioned format ({@link ModelFormat}); this family's section, after the header:
 *
 * <pre>
 *   int vocabularySize, tokenDim, textHidden
 *   int epochs, batchSize; float learningRate                    the training recipe (seed: the header's)
 *   int n, n x UTF class name; int n, n x UTF training template; int n, n x UTF held-out template
 *   int n, n x UTF word                                          the vocabulary, checked against the captions
 * </pre>
 */
public final class DualEncoderModel implements ModelHandle {

    private final Model model;
    private final DualEncoderBlock block;
    private final ModelInfo info;
    private final Captions captions;
    private final DualEncoderRecipe recipe;
    private ForgetRequest forgotten = ForgetRequest.none();

    private DualEncoderModel(Model model, DualEncoderBlock block, ModelInfo info, Captions captions,
            DualEncoderRecipe recipe) {
        this.model = model;
        this.block = block;
        this.info = info;
        this.captions = captions;
        this.recipe = recipe;
    }

    /**
     * Creates a freshly initialized dual encoder on DJL's default device.
     *
     * @param arch the sizes; its vocabulary size must match the captions'
     * @param captions the pairs' captions and prompts
     * @param recipe the recipe it will be trained with (its seed seeds DJL and libtorch here)
     * @return the model
     */
    public static DualEncoderModel create(DualEncoderArchitecture arch, Captions captions, DualEncoderRecipe recipe) {
        if (arch.vocabularySize() != captions.vocabulary().size() || arch.numClasses() != captions.numClasses()) {
            throw new IllegalArgumentException("architecture " + arch + " does not fit captions with "
                    + captions.vocabulary().size() + " words and " + captions.numClasses() + " classes");
        }
        Engine engine = Engine.getInstance();
        engine.setRandomSeed((int) recipe.seed());
        Device device = engine.defaultDevice();
        Model model = Model.newInstance("dual_encoder", device);
        DualEncoderBlock block = new DualEncoderBlock(arch);
        model.setBlock(block);
        block.initialize(model.getNDManager(), DataType.FLOAT32, DualEncoderBlock.inputShapes(arch));
        ModelInfo info = new ModelInfo(recipe.seed(), engine.getEngineName(), Engine.getDjlVersion(),
                device.toString(), arch.numClasses(), arch.rows(), arch.cols());
        return new DualEncoderModel(model, block, info, captions, recipe);
    }

    /**
     * Reads this family's section and parameters; called by {@link ModelFormat#read} after the header.
     *
     * @param info provenance from the header
     * @param header the header's sizes (image tower and shared space)
     * @param in the stream, positioned at this family's section
     * @return the model
     * @throws IOException when reading fails
     * @throws MalformedModelException when the parameters do not fit the block
     */
    public static DualEncoderModel load(ModelInfo info, ClassifierArchitecture header, DataInputStream in)
            throws IOException, MalformedModelException {
        int vocabularySize = in.readInt();
        int tokenDim = in.readInt();
        int textHidden = in.readInt();
        DualEncoderRecipe recipe = new DualEncoderRecipe(in.readInt(), in.readInt(), in.readFloat(), info.seed());
        Captions captions = new Captions(readStrings(in), readStrings(in), readStrings(in));
        List<String> vocabulary = readStrings(in);
        if (!vocabulary.equals(captions.vocabulary()) || vocabulary.size() != vocabularySize) {
            throw new ModelFormatException("dual encoder's saved vocabulary " + vocabulary + " (size "
                    + vocabularySize + ") is not the vocabulary of its captions " + captions.vocabulary(), null);
        }
        DualEncoderArchitecture arch = new DualEncoderArchitecture(header.numClasses(), header.rows(), header.cols(),
                header.conv1(), header.conv2(), header.hidden(), header.embeddingDim(), vocabularySize, tokenDim,
                textHidden);
        Model model = Model.newInstance("dual_encoder", Engine.getInstance().defaultDevice());
        DualEncoderBlock block = new DualEncoderBlock(arch);
        model.setBlock(block);
        block.loadParameters(model.getNDManager(), in);
        return new DualEncoderModel(model, block, info, captions, recipe);
    }

    /** @return the DJL model that owns the parameters */
    public Model djlModel() {
        return model;
    }

    /** @return the network */
    public DualEncoderBlock block() {
        return block;
    }

    /** @return the captions that define this model's pairs and zero-shot prompts */
    public Captions captions() {
        return captions;
    }

    /** @return the recipe the model was trained with (the seed is {@link #info()}'s) */
    public DualEncoderRecipe recipe() {
        return recipe;
    }

    @Override
    public FamilySpec family() {
        return DualEncoderFamily.DUAL_ENCODER;
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
    public DualEncoderModel copy() {
        return (DualEncoderModel) ModelFormat.roundTrip(this);
    }

    @Override
    public void save(OutputStream out) throws IOException {
        DualEncoderArchitecture a = block.architecture();
        ClassifierArchitecture header = new ClassifierArchitecture(a.numClasses(), a.rows(), a.cols(), a.conv1(),
                a.conv2(), a.imageHidden(), a.embeddingDim());
        ModelFormat.writeWithSection(out, DualEncoderFamily.DUAL_ENCODER, info, forgotten, header, section -> {
            section.writeInt(a.vocabularySize());
            section.writeInt(a.tokenDim());
            section.writeInt(a.textHidden());
            section.writeInt(recipe.epochs());
            section.writeInt(recipe.batchSize());
            section.writeFloat(recipe.learningRate());
            writeStrings(section, captions.classNames());
            writeStrings(section, captions.trainingTemplates());
            writeStrings(section, captions.heldOutTemplates());
            writeStrings(section, captions.vocabulary());
        }, block);
    }

    @Override
    public void close() {
        model.close();
    }

    private static void writeStrings(DataOutputStream out, List<String> strings) throws IOException {
        out.writeInt(strings.size());
        for (String s : strings) {
            out.writeUTF(s);
        }
    }

    private static List<String> readStrings(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1_000_000) {
            throw new ModelFormatException("dual encoder section: a list of " + n + " strings is not plausible", null);
        }
        List<String> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            out.add(in.readUTF());
        }
        return out;
    }
}
