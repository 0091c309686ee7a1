package io.unlearn.schemas;

import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.VerificationResult;

import java.util.List;

/** Every topic of the pipeline, declared once: default name and value type. Read by topologies, tests and tools. */
public final class Topics {

    public static final Topic<DeletionRequest> DELETION_REQUESTS =
            new Topic<>("unlearning.deletion-requests", DeletionRequest.class);
    /** Compacted; key = subject id. */
    public static final Topic<ManifestEntry> TRAINING_MANIFEST =
            new Topic<>("unlearning.training-manifest", ManifestEntry.class);
    /** Compacted; key = model id. Every registered model with its family. */
    public static final Topic<ModelEntry> MODELS =
            new Topic<>("unlearning.models", ModelEntry.class);
    public static final Topic<UnlearningBatch> BATCHES =
            new Topic<>("unlearning.batches", UnlearningBatch.class);
    public static final Topic<CandidateVersion> CANDIDATES =
            new Topic<>("unlearning.candidates", CandidateVersion.class);
    public static final Topic<VerificationResult> VERIFICATIONS =
            new Topic<>("unlearning.verifications", VerificationResult.class);
    public static final Topic<RequestStatus> REQUEST_STATUS =
            new Topic<>("unlearning.request-status", RequestStatus.class);
    /** Infinite retention; key = model id. */
    public static final Topic<LineageEvent> LINEAGE =
            new Topic<>("unlearning.lineage", LineageEvent.class);

    /** Raw bytes of records no stage could process, with {@code __unlearn.errors.*} headers. */
    public static final String DEAD_LETTER = "unlearning.dead-letter";

    public static final List<Topic<?>> ALL = List.of(
            DELETION_REQUESTS, TRAINING_MANIFEST, MODELS, BATCHES, CANDIDATES, VERIFICATIONS, REQUEST_STATUS, LINEAGE);

    private Topics() {
    }

    /** Confluent's default (TopicNameStrategy) value subject for a topic. */
    public static String valueSubject(String topicName) {
        return topicName + "-value";
    }
}
