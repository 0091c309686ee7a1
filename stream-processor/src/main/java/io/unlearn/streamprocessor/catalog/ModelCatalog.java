package io.unlearn.streamprocessor.catalog;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import java.util.Optional;

/**
 * The models the system knows and their families, asked by the "unknown model" and "scope the family serves"
 * validation rules.
 *
 * <p>Implementations must be thread-safe: the global-store thread feeds manifest entries while stream threads ask.
 * This module ships {@link ManifestModelCatalog}; a catalog backed by the model registry's REST API belongs with
 * the registry.
 */
public interface ModelCatalog {

    /** Whether {@code modelId} names a model the system knows. */
    boolean knows(String modelId);

    /**
     * The family of a registered model, from which the family catalog tells the scopes it serves.
     *
     * @param modelId a model id
     * @return its family; empty for a model known only from configuration or the manifest (any scope passes)
     */
    default Optional<FamilySpec> family(String modelId) {
        return Optional.empty();
    }

    /** Called for every manifest entry the stream-processor reads; catalogs that learn from the manifest override it. */
    default void onManifestEntry(ManifestEntry entry) {
    }

    /** Called for every models-topic entry the stream-processor reads. */
    default void onModelEntry(ModelEntry entry) {
    }
}
