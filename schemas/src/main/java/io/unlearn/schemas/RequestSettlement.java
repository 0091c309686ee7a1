package io.unlearn.schemas;

import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.time.Instant;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * When a deletion request is settled, read from its request statuses in the order written (one partition per
 * request id keeps that order): the rule of {@code RequestState}'s doc, in one place.
 *
 * <p>A request settles when it reached a request-level end (REJECTED, DUPLICATE_OF, NO_MODELS_AFFECTED) before any
 * model status, or when the latest state of every model it concerns is VERIFIED or FAILED. A retried verification
 * re-batches the request, so its latest state returns to BATCHED and it is open again. A copy re-sent under the same
 * id while the first is in flight gets DUPLICATE_OF, but the first copy's models still decide.
 */
public final class RequestSettlement {

    /** States that end a request before it reaches any model. */
    public static final Set<RequestState> REQUEST_ENDS =
            EnumSet.of(RequestState.REJECTED, RequestState.DUPLICATE_OF, RequestState.NO_MODELS_AFFECTED);
    /** States that end a request for one model. */
    public static final Set<RequestState> MODEL_ENDS = EnumSet.of(RequestState.VERIFIED, RequestState.FAILED);

    private RequestSettlement() {
    }

    /** The latest status per model, in the order the models were first named; request-level states left out. */
    public static Map<String, RequestStatus> latestByModel(List<RequestStatus> history) {
        Map<String, RequestStatus> latest = new LinkedHashMap<>();
        for (RequestStatus s : history) {
            if (s.getModelId() != null && s.getState() != RequestState.RECEIVED
                    && !REQUEST_ENDS.contains(s.getState())) {
                latest.put(s.getModelId(), s);
            }
        }
        return latest;
    }

    /**
     * When the request settled: the time of its request-level end, or of the last of its models' final statuses;
     * empty while it is open.
     */
    public static Optional<Instant> settledAt(List<RequestStatus> history) {
        Map<String, RequestStatus> latest = latestByModel(history);
        if (latest.isEmpty()) {
            return history.stream().filter(s -> REQUEST_ENDS.contains(s.getState())).findFirst()
                    .map(RequestStatus::getAt);
        }
        if (!latest.values().stream().allMatch(s -> MODEL_ENDS.contains(s.getState()))) {
            return Optional.empty();
        }
        return latest.values().stream().map(RequestStatus::getAt).max(Instant::compareTo);
    }
}
