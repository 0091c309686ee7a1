package io.unlearn.schemas.testing;

import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;
import org.apache.avro.specific.SpecificRecord;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One realistic record of every topic's value type, with optional fields filled in so that a round trip
 * exercises unions, arrays, maps, enums, nested records and timestamps. Timestamps are whole milliseconds,
 * because {@code timestamp-millis} drops anything finer and a round trip must compare equal.
 */
public final class SampleRecords {

    /** 2026-01-02T03:04:05.678Z. */
    public static final Instant T0 = Instant.ofEpochMilli(1_767_323_045_678L);

    private SampleRecords() {
    }

    public static DeletionRequest deletionRequest() {
        return DeletionRequest.newBuilder()
                .setRequestId("req-0001")
                .setScope(DeletionScope.SUBJECT)
                .setSubjectId("user-42")
                .setSampleIds(List.of("s-1", "s-2"))
                .setClassLabel(7)
                .setPairs(List.of(new SamplePair("img-1", "cap-1")))
                .setModelIds(List.of("fmnist-classifier"))
                .setReason("GDPR Art. 17 ticket 1234 — naïve UTF-8 check")
                .setRequestedAt(T0)
                .setDeadline(T0.plusSeconds(86_400))
                .build();
    }

    public static ManifestEntry manifestEntry() {
        return ManifestEntry.newBuilder()
                .setSubjectId("user-42")
                .setModels(List.of(new ModelSamples("fmnist-classifier", "v0", List.of("s-1", "s-2"))))
                .setUpdatedAt(T0)
                .build();
    }

    public static ModelEntry modelEntry() {
        return new ModelEntry("fmnist-classifier", "classifier", T0);
    }

    public static UnlearningBatch unlearningBatch() {
        BatchedRequest request = BatchedRequest.newBuilder()
                .setRequestId("req-0001")
                .setScope(DeletionScope.SAMPLES)
                .setSampleIds(List.of("s-1"))
                .setDeadline(T0.plusSeconds(60))
                .build();
        return UnlearningBatch.newBuilder()
                .setBatchId("fmnist-classifier-000001")
                .setModelId("fmnist-classifier")
                .setSequence(1)
                .setRequests(List.of(request))
                .setSampleIds(List.of("s-1"))
                .setClassLabels(List.of(3))
                .setPairs(List.of(new SamplePair("img-1", "cap-1")))
                .setTrigger(BatchTrigger.MAX_WAIT)
                .setAttempt(0)
                .setCreatedAt(T0)
                .build();
    }

    public static CandidateVersion candidateVersion() {
        return CandidateVersion.newBuilder()
                .setModelId("fmnist-classifier")
                .setVersionId("v1-3f2a")
                .setParentVersionId("v0")
                .setBatchId("fmnist-classifier-000001")
                .setRequestIds(List.of("req-0001"))
                .setMethod("neg_grad_plus")
                .setMethodSettings(Map.of("alpha", "0.5", "epochs", "2"))
                .setArtifactDigest("a".repeat(64))
                .setDevice("cpu()")
                .setCost(new UnlearningCost(1234L, 6000L, 6000L))
                .setAttempt(0)
                .setSeed(42L)
                .setCreatedAt(T0)
                .build();
    }

    public static VerificationResult verificationResult() {
        return VerificationResult.newBuilder()
                .setModelId("fmnist-classifier")
                .setVersionId("v1-3f2a")
                .setBatchId("fmnist-classifier-000001")
                .setRequestIds(List.of("req-0001"))
                .setVerdict(Verdict.PASSED)
                .setChecks(List.of(new VerificationCheck("forget.accuracy", 0.12, "<=", 0.2, true)))
                .setMetrics(Map.of("forget.accuracy", 0.12, "retain.accuracy", 0.9))
                .setParentMetrics(Map.of("forget.accuracy", 0.95))
                .setReferenceMetrics(Map.of())
                .setReason("all checks passed")
                .setVerifiedAt(T0)
                .build();
    }

    public static RequestStatus requestStatus() {
        return RequestStatus.newBuilder()
                .setRequestId("req-0001")
                .setState(RequestState.BATCHED)
                .setModelId("fmnist-classifier")
                .setBatchId("fmnist-classifier-000001")
                .setReason("batched by MAX_WAIT")
                .setFlags(List.of("DEADLINE_PASSED"))
                .setStage("stream-processor")
                .setAt(T0)
                .build();
    }

    public static LineageEvent lineageEvent() {
        return LineageEvent.newBuilder()
                .setModelId("fmnist-classifier")
                .setSequence(1)
                .setType(LineageEventType.CANDIDATE_RECORDED)
                .setVersionId("v1-3f2a")
                .setParentVersionId("v0")
                .setBatchId("fmnist-classifier-000001")
                .setRequestIds(List.of("req-0001"))
                .setArtifactDigest("a".repeat(64))
                .setDetails(Map.of("method", "neg_grad_plus"))
                .setPreviousEventHash("b".repeat(64))
                .setRecordedAt(T0)
                .build();
    }

    /** The sample for {@code topic}'s value type. */
    @SuppressWarnings("unchecked")
    public static <V extends SpecificRecord> V forTopic(Topic<V> topic) {
        Map<Topic<?>, SpecificRecord> all = Map.of(
                Topics.DELETION_REQUESTS, deletionRequest(),
                Topics.TRAINING_MANIFEST, manifestEntry(),
                Topics.MODELS, modelEntry(),
                Topics.BATCHES, unlearningBatch(),
                Topics.CANDIDATES, candidateVersion(),
                Topics.VERIFICATIONS, verificationResult(),
                Topics.REQUEST_STATUS, requestStatus(),
                Topics.LINEAGE, lineageEvent());
        SpecificRecord sample = all.get(topic);
        if (sample == null) {
            throw new IllegalArgumentException("no sample record for topic " + topic.name()
                    + "; add one to SampleRecords when adding a topic to Topics.ALL");
        }
        return (V) sample;
    }
}
