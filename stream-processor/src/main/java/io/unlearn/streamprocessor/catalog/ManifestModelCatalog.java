package io.unlearn.streamprocessor.catalog;

import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model catalog made of a fixed list (config {@code known.models}) plus every model id seen in the training manifest.
 *
 * <p>Models seen once stay known: a manifest entry that drops a model means the subject's data left that model,
 * not that the model ceased to exist. The manifest part is rebuilt on every start, because Kafka Streams
 * re-runs the global-store processor over the whole manifest topic when it restores the global store.
 */
public final class ManifestModelCatalog implements ModelCatalog {

    private final Set<String> configured;
    private final Set<String> seenInManifest = ConcurrentHashMap.newKeySet();

    public ManifestModelCatalog(Collection<String> configured) {
        this.configured = Set.copyOf(configured);
    }

    @Override
    public boolean knows(String modelId) {
        return configured.contains(modelId) || seenInManifest.contains(modelId);
    }

    @Override
    public void onManifestEntry(ManifestEntry entry) {
        for (ModelSamples model : entry.getModels()) {
            seenInManifest.add(model.getModelId());
        }
    }
}
