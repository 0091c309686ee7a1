package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.time.Instant;
import java.util.List;

/** The request statuses the stream-processor writes, each with a reason a person can read. */
public final class Statuses {

    /** The {@code stage} of every status written here. */
    public static final String STAGE = "stream-processor";

    private Statuses() {
    }

    public static RequestStatus rejected(String requestId, List<String> problems, Instant at) {
        return base(requestId, RequestState.REJECTED, at)
                .setReason("rejected: " + String.join("; ", problems) + ". Fix the request and send it again.")
                .build();
    }

    /** @param firstOrigin where the first occurrence was read, {@code topic-partition@offset} */
    public static RequestStatus duplicateOf(String requestId, String firstOrigin, Instant at) {
        return base(requestId, RequestState.DUPLICATE_OF, at)
                .setDuplicateOf(firstOrigin)
                .setReason("request id already received at " + firstOrigin + "; that occurrence is the one "
                        + "processed, this copy is ignored")
                .build();
    }

    public static RequestStatus noModelsAffected(String requestId, String subjectId, List<String> flags, Instant at) {
        return base(requestId, RequestState.NO_MODELS_AFFECTED, at)
                .setReason("the training manifest lists no model trained on subject '" + subjectId
                        + "'; nothing needs to be forgotten, so the request is satisfied")
                .setFlags(flags)
                .build();
    }

    public static RequestStatus batched(BatchedRequest request, String modelId, String batchId, Instant at) {
        return base(request.getRequestId(), RequestState.BATCHED, at)
                .setModelId(modelId)
                .setBatchId(batchId)
                .setReason("batched for model '" + modelId + "' in " + batchId + "; the unlearn-worker picks it up next")
                .setFlags(RequestValidator.flags(request.getDeadline(), at))
                .build();
    }

    private static RequestStatus.Builder base(String requestId, RequestState state, Instant at) {
        return RequestStatus.newBuilder()
                .setRequestId(requestId)
                .setState(state)
                .setStage(STAGE)
                .setAt(at);
    }
}
