package io.unlearn.unlearning.internal.model;

import io.unlearn.catalog.families.DualEncoderFamily;

import io.unlearn.catalog.families.Classifiers;

import ai.djl.MalformedModelException;
import ai.djl.engine.EngineException;
import ai.djl.nn.Block;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.internal.dualencoder.DualEncoderModel;
import io.unlearn.unlearning.internal.denoiser.DenoiserModel;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.catalog.FamilyCatalog;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The versioned save format of every model family.
 *
 * <pre>
 *   UTF  "io.unlearn.model"            magic
 *   int  format version                {@link ModelHandle#FORMAT_VERSION}
 *   UTF  family                        e.g. "classifier"
 *   long seed; UTF engine; UTF djlVersion; UTF device      provenance ({@link ModelInfo})
 *   int  numClasses, rows, cols, conv1, conv2, hidden, embeddingDim
 *                                      (torchscript_classifier: conv1 = conv2 = hidden = 0, embeddingDim = E)
 *   [format 2+] forgotten: int n, n x UTF sample id; int n, n x UTF subject id; int n, n x int class (sorted)
 *   [dkvb_classifier only] int codebooks, keysPerCodebook, keyDim
 *   [denoiser only]        its own section ({@code DenoiserModel}): noise schedule, training recipe
 *   [dual_encoder only]    its own section ({@code DualEncoderModel}): text-tower sizes, training recipe,
 *                          class names, caption templates, vocabulary (header: conv1, conv2, hidden = image tower,
 *                          embeddingDim = the shared space)
 *   DJL block parameters ({@code Block.saveParameters}: each block writes its own version byte;
 *                         torchscript_classifier: {@code PtSymbolBlock.saveParameters}, the whole module)
 * </pre>
 *
 * <p>The family {@code torchscript_classifier} ({@link TorchScriptClassifier}) is written as format version 2; a
 * build that predates it rejects such a file naming the unknown family.
 */
public final class ModelFormat {

    static final String MAGIC = "io.unlearn.model";

    private ModelFormat() {
    }

    static void write(OutputStream stream, FamilySpec family, ModelInfo info, ForgetRequest forgotten,
            ClassifierArchitecture arch, DkvbArchitecture dkvb, Block block) throws IOException {
        write(stream, ModelHandle.FORMAT_VERSION, family, info, forgotten, arch, dkvb, block);
    }

    /** A family's own section of the format, written after the header and before the parameters. */
    @FunctionalInterface
    public interface FamilySection {
        /**
         * @param out where to write
         * @throws IOException when writing fails
         */
        void write(DataOutputStream out) throws IOException;
    }

    /**
     * Writes a model of a family that lives outside this package: the header, then its own section, then the
     * parameters. {@link #read} hands the section back to that family's loader.
     *
     * @param stream where to write; not closed
     * @param family the family
     * @param info provenance
     * @param forgotten what the version forgot
     * @param arch the header's sizes
     * @param section the family's section
     * @param block the parameters
     * @throws IOException when writing fails
     */
    public static void writeWithSection(OutputStream stream, FamilySpec family, ModelInfo info,
            ForgetRequest forgotten, ClassifierArchitecture arch, FamilySection section, Block block)
            throws IOException {
        writeAll(stream, ModelHandle.FORMAT_VERSION, family, info, forgotten, arch, section, block);
    }

    /** Writes a given format version; older versions exist only so tests can prove they are still read. */
    static void write(OutputStream stream, int formatVersion, FamilySpec family, ModelInfo info,
            ForgetRequest forgotten, ClassifierArchitecture arch, DkvbArchitecture dkvb, Block block)
            throws IOException {
        writeAll(stream, formatVersion, family, info, forgotten, arch, family != Classifiers.DKVB_CLASSIFIER ? null
                : out -> {
                    out.writeInt(dkvb.codebooks());
                    out.writeInt(dkvb.keysPerCodebook());
                    out.writeInt(dkvb.keyDim());
                }, block);
    }

    private static void writeAll(OutputStream stream, int formatVersion, FamilySpec family, ModelInfo info,
            ForgetRequest forgotten, ClassifierArchitecture arch, FamilySection section, Block block)
            throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeUTF(MAGIC);
        out.writeInt(formatVersion);
        out.writeUTF(family.id());
        out.writeLong(info.seed());
        out.writeUTF(info.engine());
        out.writeUTF(info.djlVersion());
        out.writeUTF(info.device());
        out.writeInt(arch.numClasses());
        out.writeInt(arch.rows());
        out.writeInt(arch.cols());
        out.writeInt(arch.conv1());
        out.writeInt(arch.conv2());
        out.writeInt(arch.hidden());
        out.writeInt(arch.embeddingDim());
        if (formatVersion >= 2) {
            writeForgotten(out, forgotten);
        }
        if (section != null) {
            section.write(out);
        }
        block.saveParameters(out);
        out.flush();
    }

    /**
     * Reads a model written by {@link ModelHandle#save(OutputStream)}.
     *
     * @param stream the bytes; not closed
     * @return the loaded model, which the caller closes
     * @throws ModelFormatException when the bytes are not a model of a known format version and family
     */
    public static ModelHandle read(InputStream stream) {
        try {
            DataInputStream in = new DataInputStream(stream);
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new ModelFormatException("not a saved model: magic is '" + magic + "', expected '" + MAGIC
                        + "'", null);
            }
            int version = in.readInt();
            if (version < 1 || version > ModelHandle.FORMAT_VERSION) {
                throw new ModelFormatException("model format version " + version + " is not supported; this build"
                        + " reads versions 1.." + ModelHandle.FORMAT_VERSION, null);
            }
            FamilySpec family = FamilyCatalog.require(in.readUTF());
            long seed = in.readLong();
            String engine = in.readUTF();
            String djlVersion = in.readUTF();
            String device = in.readUTF();
            ClassifierArchitecture arch = new ClassifierArchitecture(in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), in.readInt());
            ModelInfo info = new ModelInfo(seed, engine, djlVersion, device, arch.numClasses(), arch.rows(),
                    arch.cols());
            ForgetRequest forgotten = version >= 2 ? readForgotten(in) : ForgetRequest.none();
            ModelHandle model;
            if (family == Classifiers.CLASSIFIER) {
                model = ClassifierModel.load(info, arch, in);
            } else if (family == Classifiers.DKVB_CLASSIFIER) {
                model = DkvbModel.load(info, arch, new DkvbArchitecture(in.readInt(), in.readInt(), in.readInt()), in);
            } else if (family == Classifiers.TORCHSCRIPT_CLASSIFIER) {
                model = TorchScriptClassifier.load(info, arch.embeddingDim(), in);
            } else if (family == DualEncoderFamily.DUAL_ENCODER) {
                model = DualEncoderModel.load(info, arch, in);
            } else if (family == DenoiserFamily.DENOISER) {
                model = DenoiserModel.load(info, arch, in);
            } else {
                throw new ModelFormatException("this build cannot load " + family.id() + " models", null);
            }
            model.recordForgotten(forgotten);
            return model;
        } catch (IOException | MalformedModelException | IllegalArgumentException | EngineException e) {
            throw new ModelFormatException("cannot read saved model: " + e.getMessage(), e);
        }
    }

    // Sorted so that equal models give equal bytes, hence equal artifact digests.
    private static void writeForgotten(DataOutputStream out, ForgetRequest forgotten) throws IOException {
        List<String> samples = new ArrayList<>(forgotten.sampleIds());
        samples.sort(Comparator.comparing((String id) -> id.length()).thenComparing(Comparator.naturalOrder()));
        List<String> subjects = new ArrayList<>(new TreeSet<>(forgotten.subjectIds()));
        List<Integer> classes = new ArrayList<>(new TreeSet<>(forgotten.classes()));
        out.writeInt(samples.size());
        for (String id : samples) {
            out.writeUTF(id);
        }
        out.writeInt(subjects.size());
        for (String id : subjects) {
            out.writeUTF(id);
        }
        out.writeInt(classes.size());
        for (int c : classes) {
            out.writeInt(c);
        }
    }

    private static ForgetRequest readForgotten(DataInputStream in) throws IOException {
        Set<String> samples = new HashSet<>();
        for (int i = in.readInt(); i > 0; i--) {
            samples.add(in.readUTF());
        }
        Set<String> subjects = new HashSet<>();
        for (int i = in.readInt(); i > 0; i--) {
            subjects.add(in.readUTF());
        }
        Set<Integer> classes = new HashSet<>();
        for (int i = in.readInt(); i > 0; i--) {
            classes.add(in.readInt());
        }
        return new ForgetRequest(samples, subjects, classes);
    }

    /**
     * Serializes and deserializes a model: the in-memory copy used by {@link ModelHandle#copy()}.
     *
     * @param model the model
     * @return an independent, bit-identical copy
     */
    public static ModelHandle roundTrip(ModelHandle model) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.save(bytes);
            return read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new ModelFormatException("cannot copy model in memory: " + e.getMessage(), e);
        }
    }
}
