package io.unlearn.streamprocessor.catalog;

import io.unlearn.catalog.FamilyCatalog;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.schemas.v1.ModelEntry;
import java.util.Map;
import java.util.Optional;

import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A model catalog made of a fixed list (config {@code known.models}), every model id seen in the training manifest,
 * and every model registered on the models topic with its family.
 *
 * <p>Models seen once stay known: a manifest entry that drops a model means the subject's data left that model,
 * not that the model ceased to exist. The manifest part is rebuilt on every start, because Kafka Streams
 * re-runs the global-store processor over the whole manifest topic when it restores the global store.
 */
public final class ManifestModelCatalog implements ModelCatalog {

    private final Set<String> configured;
    private final Set<String> seenInManifest = ConcurrentHashMap.newKeySet();
    private final Map<String, FamilySpec> families = new ConcurrentHashMap<>();

    public ManifestModelCatalog(Collection<String> configured) {
        this.configured = Set.copyOf(configured);
    }

    @Override
    public boolean knows(String modelId) {
        return configured.contains(modelId) || seenInManifest.contains(modelId) || families.containsKey(modelId);
    }

    @Override
    public Optional<FamilySpec> family(String modelId) {
        return Optional.ofNullable(families.get(modelId));
    }

    @Override
    public void onModelEntry(ModelEntry entry) {
        // A family this build's catalog lacks (a newer registry) is left unknown: its requests pass unchecked and the
        // worker, which knows the same catalog, fails them with the reason.
        FamilyCatalog.family(entry.getFamily()).ifPresent(f -> families.put(entry.getModelId(), f));
    }

    @Override
    public void onManifestEntry(ManifestEntry entry) {
        for (ModelSamples model : entry.getModels()) {
            seenInManifest.add(model.getModelId());
        }
    }
}
