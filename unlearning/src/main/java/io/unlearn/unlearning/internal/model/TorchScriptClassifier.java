package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.Classifiers;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.training.ParameterStore;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Adapts a TorchScript classifier (a DJL {@link PtSymbolBlock} with trainable parameters) to the classifier model
 * the unlearning methods train, so {@code fine_tune}, {@code neg_grad_plus} and {@code contrastive} run on it
 * unchanged. Family {@code torchscript_classifier}.
 *
 * <p><b>The convention a scripted module must follow</b> (the number, shapes and type of the outputs are checked when
 * the file is loaded, on a zero batch of two; the normalization of z is not):
 *
 * <pre>
 *   forward(x: Tensor) -&gt; Tuple[Tensor, Tensor]
 *     x       (N, 1, rows, cols) float32, pixels in [0, 1]      (as {@code ImageSet} holds them)
 *     returns (z, logits)
 *       z       (N, E)           the embedding; L2-normalize it (unit rows), as contrastive unlearning's loss
 *                                {@code s(u, a) = z_u . z_a / tau} assumes, like the built-in {@link ClassifierBlock}
 *       logits  (N, numClasses)  unnormalized class scores (the methods apply log-softmax)
 * </pre>
 *
 * <p>DJL returns the tuple as an {@link NDList} of two arrays, the same {@code (z, logits)} the built-in network
 * returns. Training passes run the module in {@code train()} mode, evaluation passes in {@code eval()} mode. Every
 * parameter of the module ({@code module.parameters()}) is trained; buffers (e.g. BatchNorm running statistics) are
 * updated only as the module itself does in {@code train()} mode. A typical module, in Python:
 *
 * <pre>
 *   class Net(nn.Module):
 *       def forward(self, x: Tensor) -&gt; Tuple[Tensor, Tensor]:
 *           z = F.normalize(self.projection(self.encoder(x)), dim=1)
 *           return z, self.head(z)
 *   torch.jit.script(Net(...)).save("net.pt")        # or torch.jit.trace(net, example)
 * </pre>
 *
 * <p><b>Saved</b> in the versioned model format ({@link ModelFormat}) like every family: the header carries
 * numClasses, rows, cols and E (the built-in family's conv1, conv2, hidden are written as 0), then the block's
 * parameters as {@link PtSymbolBlock#saveParameters} writes them: a version byte and the whole module (its code and
 * current parameter values) serialized by libtorch. A saved version therefore loads without the original file, and
 * the parameters round-trip bit-exactly. The code is whatever the file held; it is never re-scripted.
 *
 * <p>Not supported: retraining from scratch ({@code retrain}; the module cannot be re-initialized from its file) and
 * building a DKVB model on it (its backbone must be a {@link ClassifierBlock}).
 */
public final class TorchScriptClassifier extends ClassifierModel {

    /** The DJL engine that runs TorchScript. */
    static final String ENGINE = "PyTorch";
    private static final String NAME = "torchscript_classifier";

    private final PtSymbolBlock block;
    private final int embeddingDim;

    private TorchScriptClassifier(Model model, PtSymbolBlock block, ModelInfo info, int embeddingDim) {
        super(model, null, info);
        this.block = block;
        this.embeddingDim = embeddingDim;
    }

    /**
     * Loads a TorchScript file (saved with {@code torch.jit.save}) with trainable parameters and checks the
     * convention on a zero batch of two images.
     *
     * @param file the {@code .pt} file
     * @param numClasses the number of classes the logits must have
     * @param rows the input height
     * @param cols the input width
     * @return the model (seed 0: its parameters were not drawn here), which the caller closes
     * @throws ModelFormatException when the file cannot be loaded as TorchScript, has no parameters, or its forward
     *     does not return {@code (z (N, E), logits (N, numClasses))}
     */
    public static TorchScriptClassifier load(Path file, int numClasses, int rows, int cols) {
        if (!Files.isRegularFile(file)) {
            throw new ModelFormatException("no TorchScript file at " + file, null);
        }
        Engine engine = Engine.getEngine(ENGINE);
        Device device = engine.defaultDevice();
        Model model = Model.newInstance(NAME, device, ENGINE);
        TorchScriptClassifier fromFile;
        try {
            model.load(file, null, Map.of("trainParam", "true"));
            if (!(model.getBlock() instanceof PtSymbolBlock block)) {
                throw new ModelFormatException(file + " did not load as a TorchScript module but as a "
                        + model.getBlock().getClass().getName(), null);
            }
            int e = checkConvention(block, model.getNDManager(), numClasses, rows, cols, file.toString());
            ModelInfo info = new ModelInfo(0, engine.getEngineName(), Engine.getDjlVersion(), device.toString(),
                    numClasses, rows, cols);
            fromFile = new TorchScriptClassifier(model, block, info, e);
        } catch (IOException | MalformedModelException | EngineException e) {
            model.close();
            throw new ModelFormatException("cannot load TorchScript file " + file + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
        // libtorch re-serializes a module that Python wrote with other debug records (source ranges) and another
        // serialization id; from then on saving is a fixed point. Returning the re-read module keeps the format's rule
        // that equal models save equal bytes from this first version on. The copy is read like any saved version.
        try (fromFile) {
            return fromFile.copy();
        }
    }

    /** Reads the parameters part of a saved {@code torchscript_classifier} (the header is read by ModelFormat). */
    static TorchScriptClassifier load(ModelInfo info, int embeddingDim, DataInputStream in)
            throws IOException, MalformedModelException {
        Model model = Model.newInstance(NAME, Engine.getEngine(ENGINE).defaultDevice(), ENGINE);
        try {
            PtSymbolBlock block = new PtSymbolBlock((PtNDManager) model.getNDManager());
            block.loadParameters(model.getNDManager(), in);
            model.setBlock(block);
            block.freezeParameters(false);
            // Besides checking, this evaluation pass aligns the mode PtSymbolBlock tracks (a new block assumes
            // train()) with the module's, which was saved in eval(): without it, the first training pass would not
            // switch and would run in eval() mode (TorchScriptClassifierTest checks the modes).
            int e = checkConvention(block, model.getNDManager(), info.numClasses(), info.imageRows(),
                    info.imageCols(), "the saved module");
            if (e != embeddingDim) {
                throw new ModelFormatException("the saved module's embedding has " + e + " dimensions, its header "
                        + "says " + embeddingDim, null);
            }
            return new TorchScriptClassifier(model, block, info, e);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw e;
        }
    }

    /**
     * Runs forward on a zero batch of two in evaluation mode and checks the outputs.
     *
     * @return the embedding dimension E
     */
    private static int checkConvention(PtSymbolBlock block, NDManager manager, int numClasses, int rows, int cols,
            String what) {
        if (block.getParameters().isEmpty()) {
            throw new ModelFormatException(what + " has no parameters to train", null);
        }
        try (NDManager m = manager.newSubManager()) {
            Shape in = new Shape(2, 1, rows, cols);
            NDList out;
            try {
                out = block.forward(new ParameterStore(m, false), new NDList(m.zeros(in, DataType.FLOAT32)), false);
            } catch (EngineException e) {
                throw new ModelFormatException(what + ": forward(x) failed on x of shape " + in + ": "
                        + e.getMessage(), e);
            }
            String got = out.stream().map(a -> a.getShape().toString()).collect(Collectors.joining(", "));
            if (out.size() != 2) {
                throw new ModelFormatException(what + " does not follow the torchscript_classifier convention: "
                        + "forward(x) must return a tuple (embedding (N, E), logits (N, " + numClasses + ")), but "
                        + "returned " + out.size() + " array(s): " + got, null);
            }
            Shape z = out.get(0).getShape();
            Shape logits = out.get(1).getShape();
            if (z.dimension() != 2 || z.get(0) != 2 || logits.dimension() != 2 || logits.get(0) != 2
                    || logits.get(1) != numClasses || out.get(0).getDataType() != DataType.FLOAT32
                    || out.get(1).getDataType() != DataType.FLOAT32) {
                throw new ModelFormatException(what + " does not follow the torchscript_classifier convention: "
                        + "for x of shape " + in + " forward(x) must return float32 (embedding (2, E), logits (2, "
                        + numClasses + ")), but returned " + got, null);
            }
            return (int) z.get(1);
        }
    }

    /** @return the TorchScript module, whose parameters are this model's */
    public PtSymbolBlock symbolBlock() {
        return block;
    }

    /** @return E, the width of the embedding the module returns */
    public int embeddingDim() {
        return embeddingDim;
    }

    @Override
    public FamilySpec family() {
        return Classifiers.TORCHSCRIPT_CLASSIFIER;
    }

    /** @throws UnlearningException always: a TorchScript classifier has no built-in block */
    @Override
    public ClassifierBlock classifierBlock() {
        throw new UnlearningException("a torchscript_classifier model runs a TorchScript module, not the built-in "
                + "ClassifierBlock; retrain and DKVB need a classifier model");
    }

    @Override
    public TorchScriptClassifier copy() {
        return (TorchScriptClassifier) ModelFormat.roundTrip(this);
    }

    /**
     * Saves the module in {@code eval()} mode: TorchScript records the mode with the module, so without this the
     * bytes of equal parameters would depend on whether the last pass trained.
     */
    @Override
    public void save(OutputStream out) throws IOException {
        evalMode();
        ModelInfo i = info();
        ModelFormat.write(out, Classifiers.TORCHSCRIPT_CLASSIFIER, i, forgotten(), architecture(i, embeddingDim),
                null, block);
    }

    /** Switches the module to {@code eval()} the way PtSymbolBlock tracks the mode: an evaluation pass on one image. */
    private void evalMode() {
        try (NDManager m = djlModel().getNDManager().newSubManager()) {
            block.forward(new ParameterStore(m, false), new NDList(m.zeros(inputShape(), DataType.FLOAT32)), false);
        }
    }

    /** The header's architecture fields: the built-in family's layer widths do not apply and are 0. */
    static ClassifierArchitecture architecture(ModelInfo info, int embeddingDim) {
        return new ClassifierArchitecture(info.numClasses(), info.imageRows(), info.imageCols(), 0, 0, 0,
                embeddingDim);
    }
}
