package io.unlearn.unlearning.spi;

import io.unlearn.catalog.FamilySpec;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One loaded model version: its parameters in native memory plus what is needed to save and copy it.
 *
 * <p>Lifecycle: a handle owns native memory, so close it when done. {@link #copy()} gives an independent
 * handle (the frozen parent and the updated child coexist); closing one never affects the other. Load a saved
 * handle with {@link Unlearning#loadModel(java.io.InputStream)}.
 */
public interface ModelHandle extends AutoCloseable {

    /**
     * The version of the byte format {@link #save(OutputStream)} writes: 2 adds {@link #forgotten()}. Version 1
     * is still read, as a model that forgot nothing.
     */
    int FORMAT_VERSION = 2;

    /**
     * Returns the model family.
     *
     * @return the family
     */
    FamilySpec family();

    /**
     * Returns what produced this model: seed, engine, DJL version, device, architecture.
     *
     * @return the provenance of the parameters
     */
    ModelInfo info();

    /**
     * Returns everything this version's parameters were made to forget, cumulatively along its chain of parent
     * versions; saved with the model, so a loaded version knows it.
     *
     * @return the cumulative request; {@link ForgetRequest#none()} for a base model
     */
    ForgetRequest forgotten();

    /**
     * Records what this version has forgotten; the caller passes the cumulative request (typically
     * {@code parent.forgotten().union(batchRequest)}), which replaces the previous value.
     *
     * @param cumulative everything forgotten up to and including this version
     */
    void recordForgotten(ForgetRequest cumulative);

    /**
     * Returns an independent in-memory copy with bit-identical parameters.
     *
     * @return a new handle the caller must close
     */
    ModelHandle copy();

    /**
     * Writes the model in the versioned format (header with {@link #FORMAT_VERSION}, family, architecture,
     * provenance and {@link #forgotten()}, then the DJL parameters). The stream is not closed.
     *
     * @param out where to write
     * @throws IOException when writing fails
     */
    void save(OutputStream out) throws IOException;

    /**
     * Writes the model to a file, replacing it.
     *
     * @param path the file
     * @throws IOException when writing fails
     */
    default void save(Path path) throws IOException {
        try (OutputStream out = Files.newOutputStream(path)) {
            save(out);
        }
    }

    /** Frees the model's native memory. */
    @Override
    void close();
}
