package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Resolves an accepted deletion request to the models it touches: one {@link BatchedRequest} per model.
 *
 * <p>Explicit {@code modelIds} win. Otherwise a SUBJECT request fans out to every model its manifest entry lists,
 * carrying the sample ids that model trained on. A SUBJECT request with explicit models takes each model's sample
 * ids from the manifest when the manifest has them, and none otherwise (the worker then resolves the subject).
 */
public final class ModelResolver {

    private ModelResolver() {
    }

    /**
     * @param manifest the request subject's manifest entry, or null if there is none
     * @param deadline the request's deadline ({@link DeadlinePolicy#deadlineOf}), carried by every resolved request
     * @return model id to the request as that model will see it, in a stable order; empty if no model is affected
     */
    public static Map<String, BatchedRequest> resolve(DeletionRequest request, ManifestEntry manifest,
                                                      Instant deadline) {
        Map<String, List<String>> manifestSamples = new LinkedHashMap<>();
        if (manifest != null) {
            for (ModelSamples model : manifest.getModels()) {
                manifestSamples.computeIfAbsent(model.getModelId(), m -> new ArrayList<>()).addAll(model.getSampleIds());
            }
        }
        Map<String, BatchedRequest> byModel = new LinkedHashMap<>();
        if (!request.getModelIds().isEmpty()) {
            for (String modelId : new LinkedHashSet<>(request.getModelIds())) {
                byModel.put(modelId, forModel(request, manifestSamples.getOrDefault(modelId, List.of()),
                        deadline));
            }
        } else {
            manifestSamples.forEach((modelId, samples) -> byModel.put(modelId, forModel(request, samples, deadline)));
        }
        return byModel;
    }

    /**
     * A SUBJECT request that names its models explicitly must find the subject's samples of each in the manifest:
     * otherwise the model would be asked to forget nothing, and the request could end VERIFIED with nothing
     * forgotten.
     *
     * @param request the request
     * @param byModel its resolution by {@link #resolve}
     * @return one problem per named model without samples of the subject; empty when there is none
     */
    public static List<String> unresolvedSubject(DeletionRequest request, Map<String, BatchedRequest> byModel) {
        List<String> problems = new ArrayList<>();
        if (request.getScope() != DeletionScope.SUBJECT || request.getModelIds().isEmpty()) {
            return problems;
        }
        byModel.forEach((modelId, r) -> {
            if (r.getSampleIds().isEmpty()) {
                problems.add("the training manifest lists no sample of subject '" + request.getSubjectId() + "' for"
                        + " model '" + modelId + "'; the model did not train on the subject's data, or its manifest"
                        + " entry has not arrived yet (send the request again once it has)");
            }
        });
        return problems;
    }

    private static BatchedRequest forModel(DeletionRequest request, List<String> manifestSamples, Instant deadline) {
        List<String> samples = new ArrayList<>(new LinkedHashSet<>(request.getSampleIds()));
        if (samples.isEmpty()) {
            samples = new ArrayList<>(new LinkedHashSet<>(manifestSamples));
        }
        return BatchedRequest.newBuilder()
                .setRequestId(request.getRequestId())
                .setScope(request.getScope())
                .setSubjectId(request.getSubjectId())
                .setSampleIds(samples)
                .setClassLabel(request.getClassLabel())
                .setPairs(request.getPairs())
                .setDeadline(deadline)
                .build();
    }
}
