package io.unlearn.worker;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The request statuses the unlearn-worker writes, one per request of a batch, each with a readable reason and the
 * request's deadline as the batch carries it.
 */
public final class Statuses {

    /** The {@code stage} of every status written here. */
    public static final String STAGE = "unlearn-worker";

    private Statuses() {
    }

    /**
     * A candidate version now excludes the requests; the verifier decides next.
     *
     * @param batch the batch
     * @param versionId the candidate
     * @param method the method that produced it
     * @param applied the settings it ran with
     * @param at when
     * @return one UNLEARNED status per request
     */
    public static List<RequestStatus> unlearned(UnlearningBatch batch, String versionId, String method,
            Map<String, String> applied, Instant at) {
        String reason = "unlearned by " + method + " " + new TreeMap<>(applied)
                + " into candidate " + versionId + " (attempt " + batch.getAttempt() + "); the verifier checks it next";
        return build(batch, RequestState.UNLEARNED, versionId, reason, at);
    }

    /**
     * The batch cannot be unlearned, and retrying it unchanged cannot help.
     *
     * @param batch the batch
     * @param reason what is wrong and what to do, e.g. the unknown sample id
     * @param at when
     * @return one FAILED status per request, without a version
     */
    public static List<RequestStatus> failed(UnlearningBatch batch, String reason, Instant at) {
        return build(batch, RequestState.FAILED, null, "not unlearned: " + reason, at);
    }

    /**
     * Everything the batch names is already forgotten by a verified version, so no new version is needed.
     *
     * @param batch the batch
     * @param versionId the verified version that already excludes the requests
     * @param at when
     * @return one VERIFIED status per request
     */
    public static List<RequestStatus> alreadyForgotten(UnlearningBatch batch, String versionId, Instant at) {
        return build(batch, RequestState.VERIFIED, versionId, "already excluded by verified version " + versionId
                + "; no new version was needed", at);
    }

    private static List<RequestStatus> build(UnlearningBatch batch, RequestState state, String versionId,
            String reason, Instant at) {
        Map<String, BatchedRequest> byId = new LinkedHashMap<>(); // a repeated request gets one status
        batch.getRequests().forEach(r -> byId.putIfAbsent(r.getRequestId(), r));
        return byId.values().stream()
                .map(r -> RequestStatus.newBuilder()
                        .setRequestId(r.getRequestId())
                        .setState(state)
                        .setModelId(batch.getModelId())
                        .setBatchId(batch.getBatchId())
                        .setVersionId(versionId)
                        .setReason(reason)
                        .setStage(STAGE)
                        .setAt(at)
                        .setDeadline(r.getDeadline())
                        .build())
                .toList();
    }
}
