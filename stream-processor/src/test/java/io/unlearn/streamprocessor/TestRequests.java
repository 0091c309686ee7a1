package io.unlearn.streamprocessor;

import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.SamplePair;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Builders of deletion requests and manifest entries for the stream-processor's tests. */
public final class TestRequests {

    /** An hour before the topology tests' wall clock, so the default deadline (30 days later) is still ahead. */
    public static final Instant REQUESTED_AT = Instant.parse("2026-03-01T11:00:00Z");

    private TestRequests() {
    }

    public static DeletionRequest.Builder samples(String requestId, String modelId, String... sampleIds) {
        return base(requestId, DeletionScope.SAMPLES).setModelIds(List.of(modelId)).setSampleIds(List.of(sampleIds));
    }

    public static DeletionRequest.Builder subject(String requestId, String subjectId) {
        return base(requestId, DeletionScope.SUBJECT).setSubjectId(subjectId);
    }

    public static DeletionRequest.Builder classLabel(String requestId, String modelId, int label) {
        return base(requestId, DeletionScope.CLASS).setModelIds(List.of(modelId)).setClassLabel(label);
    }

    public static DeletionRequest.Builder pairs(String requestId, String modelId, SamplePair... pairs) {
        return base(requestId, DeletionScope.PAIRS).setModelIds(List.of(modelId)).setPairs(List.of(pairs));
    }

    public static SamplePair pair(String imageId, String captionId) {
        return new SamplePair(imageId, captionId);
    }

    private static DeletionRequest.Builder base(String requestId, DeletionScope scope) {
        return DeletionRequest.newBuilder().setRequestId(requestId).setScope(scope).setReason("test")
                .setRequestedAt(REQUESTED_AT);
    }

    /** A manifest entry: {@code modelAndSamples} alternates model id and comma-separated sample ids. */
    public static ManifestEntry manifest(String subjectId, String... modelAndSamples) {
        List<ModelSamples> models = new ArrayList<>();
        for (int i = 0; i < modelAndSamples.length; i += 2) {
            models.add(new ModelSamples(modelAndSamples[i], modelAndSamples[i] + "-v1",
                    modelAndSamples[i + 1].isEmpty() ? List.of() : List.of(modelAndSamples[i + 1].split(","))));
        }
        return new ManifestEntry(subjectId, models, REQUESTED_AT);
    }
}
