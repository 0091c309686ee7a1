package io.unlearn.kit.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Content-addressed storage of model artifacts: an artifact's name is the SHA-256 of its bytes.
 * The default is {@link DirectoryArtifactStore}; an object store can implement the same contract later.
 */
public interface ArtifactStore {

    /** Stores the bytes read from {@code content} and returns their digest (64 lowercase hex characters). */
    String put(InputStream content) throws IOException;

    /** Opens the artifact with this digest, or empty if there is none. */
    Optional<InputStream> open(String digest) throws IOException;

    boolean contains(String digest);

    /**
     * Recomputes the digest of the stored bytes. Equal to {@code digest} unless the stored file was altered
     * after it was written; empty if the artifact is missing.
     */
    Optional<String> recomputeDigest(String digest) throws IOException;
}
