package io.unlearn.unlearning.internal.model;

import ai.djl.MalformedModelException;
import ai.djl.nn.Block;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.spi.ModelFamily;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.ModelInfo;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * The versioned save format of every model family.
 *
 * <pre>
 *   UTF  "io.unlearn.model"            magic
 *   int  format version                {@link ModelHandle#FORMAT_VERSION}
 *   UTF  family                        e.g. "classifier"
 *   long seed; UTF engine; UTF djlVersion; UTF device      provenance ({@link ModelInfo})
 *   int  numClasses, rows, cols, conv1, conv2, hidden, embeddingDim
 *   [dkvb_classifier only] int codebooks, keysPerCodebook, keyDim
 *   DJL block parameters ({@code Block.saveParameters}: each block writes its own version byte)
 * </pre>
 */
public final class ModelFormat {

    static final String MAGIC = "io.unlearn.model";

    private ModelFormat() {
    }

    static void write(OutputStream stream, ModelFamily family, ModelInfo info, ClassifierArchitecture arch,
            DkvbArchitecture dkvb, Block block) throws IOException {
        DataOutputStream out = new DataOutputStream(stream);
        out.writeUTF(MAGIC);
        out.writeInt(ModelHandle.FORMAT_VERSION);
        out.writeUTF(family.value());
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
        if (family == ModelFamily.DKVB_CLASSIFIER) {
            out.writeInt(dkvb.codebooks());
            out.writeInt(dkvb.keysPerCodebook());
            out.writeInt(dkvb.keyDim());
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
    public static Network read(InputStream stream) {
        try {
            DataInputStream in = new DataInputStream(stream);
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new ModelFormatException("not a saved model: magic is '" + magic + "', expected '" + MAGIC
                        + "'", null);
            }
            int version = in.readInt();
            if (version != ModelHandle.FORMAT_VERSION) {
                throw new ModelFormatException("model format version " + version + " is not supported; this build"
                        + " reads version " + ModelHandle.FORMAT_VERSION, null);
            }
            ModelFamily family = ModelFamily.parse(in.readUTF());
            long seed = in.readLong();
            String engine = in.readUTF();
            String djlVersion = in.readUTF();
            String device = in.readUTF();
            ClassifierArchitecture arch = new ClassifierArchitecture(in.readInt(), in.readInt(), in.readInt(),
                    in.readInt(), in.readInt(), in.readInt(), in.readInt());
            ModelInfo info = new ModelInfo(seed, engine, djlVersion, device, arch.numClasses(), arch.rows(),
                    arch.cols());
            if (family == ModelFamily.CLASSIFIER) {
                return ClassifierModel.load(info, arch, in);
            }
            DkvbArchitecture dkvb = new DkvbArchitecture(in.readInt(), in.readInt(), in.readInt());
            return DkvbModel.load(info, arch, dkvb, in);
        } catch (IOException | MalformedModelException | IllegalArgumentException e) {
            throw new ModelFormatException("cannot read saved model: " + e.getMessage(), e);
        }
    }

    /**
     * Serializes and deserializes a model: the in-memory copy used by {@link ModelHandle#copy()}.
     *
     * @param model the model
     * @return an independent, bit-identical copy
     */
    static Network roundTrip(ModelHandle model) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            model.save(bytes);
            return read(new ByteArrayInputStream(bytes.toByteArray()));
        } catch (IOException e) {
            throw new ModelFormatException("cannot copy model in memory: " + e.getMessage(), e);
        }
    }
}
