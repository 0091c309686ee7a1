package io.unlearn.streamprocessor.catalog;

import io.unlearn.schemas.v1.ManifestEntry;

/**
 * The set of model ids the system knows, asked by the "unknown model" validation rule.
 *
 * <p>Implementations must be thread-safe: the global-store thread feeds manifest entries while stream threads ask.
 * This module ships {@link ManifestModelCatalog}; a catalog backed by the model registry's REST API belongs with
 * the registry.
 */
public interface ModelCatalog {

    /** Whether {@code modelId} names a model the system knows. */
    boolean knows(String modelId);

    /** Called for every manifest entry the stream-processor reads; catalogs that learn from the manifest override it. */
    default void onManifestEntry(ManifestEntry entry) {
    }
}
