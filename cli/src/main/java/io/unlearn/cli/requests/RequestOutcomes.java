package io.unlearn.cli.requests;

import io.unlearn.schemas.RequestSettlement;
import io.unlearn.schemas.v1.RequestState;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What became of deletion requests, folded from their request statuses in the order written (from the
 * {@code unlearning.request-status} topic or a model-registry {@code /requests/{id}} history).
 *
 * <p>A request <em>settles</em> when it reached a request-level end (REJECTED, DUPLICATE_OF, NO_MODELS_AFFECTED)
 * before being batched for any model, or when the latest state of every model it concerns is final: VERIFIED or
 * FAILED for the whole pipeline, or already BATCHED when only the stream-processor's decision is awaited
 * ({@link Until#BATCHED}). A retried verification re-batches the request, so its latest state returns to BATCHED and
 * it is open again. A copy re-sent under the same id while the first is in flight gets DUPLICATE_OF, but the first
 * copy's models still decide. With {@link Until#VERIFIED} this is {@link RequestSettlement}'s rule (on the registry's
 * JSON rather than Avro statuses); the final states are its sets.
 */
public final class RequestOutcomes {

    /** How far a request must get to count as settled. */
    public enum Until {
        /** The stream-processor has batched (or refused) it. */
        BATCHED,
        /** The pipeline is done with it: verified, failed or refused. */
        VERIFIED
    }

    /** The verdict on one request for a summary. */
    public enum Outcome {
        /** Not settled yet. */
        PENDING,
        /** Every model it concerns verified a version without the data (or, with {@link Until#BATCHED}, batched it). */
        ACCEPTED,
        /** The id was seen before; the first request with it is the one that counts. */
        DUPLICATE,
        /** Valid, but no registered model was trained on what it names. */
        NO_MODELS_AFFECTED,
        /** Refused by the stream-processor (the reason says why). */
        REJECTED,
        /** At least one model could not unlearn it. */
        FAILED
    }

    /** One status as the outcome needs it. {@code modelId} is null for request-level states. */
    public record Step(RequestState state, String modelId, String versionId, String reason) {
    }

    /** A request's outcome and the reasons behind it (one per model, or the request-level reason). */
    public record Summary(String requestId, Outcome outcome, List<String> reasons) {
    }

    private final Until until;
    private final Map<String, List<Step>> stepsByRequest = new LinkedHashMap<>();

    public RequestOutcomes(Until until) {
        this.until = until;
    }

    /** Adds the next status of {@code requestId}. */
    public void add(String requestId, Step step) {
        stepsByRequest.computeIfAbsent(requestId, k -> new ArrayList<>()).add(step);
    }

    /** Whether any status of {@code requestId} has been seen. */
    public boolean seen(String requestId) {
        return stepsByRequest.containsKey(requestId);
    }

    public Summary summary(String requestId) {
        List<Step> steps = stepsByRequest.getOrDefault(requestId, List.of());
        Map<String, Step> latestByModel = new LinkedHashMap<>();
        Step requestEnd = null;
        for (Step s : steps) {
            if (RequestSettlement.REQUEST_ENDS.contains(s.state())) {
                requestEnd = requestEnd == null ? s : requestEnd;
            } else if (s.modelId() != null && s.state() != RequestState.RECEIVED) {
                latestByModel.put(s.modelId(), s);
            }
        }
        if (latestByModel.isEmpty()) {
            if (requestEnd == null) {
                return new Summary(requestId, Outcome.PENDING, List.of());
            }
            Outcome outcome = switch (requestEnd.state()) {
                case REJECTED -> Outcome.REJECTED;
                case DUPLICATE_OF -> Outcome.DUPLICATE;
                default -> Outcome.NO_MODELS_AFFECTED;
            };
            return new Summary(requestId, outcome, List.of(requestEnd.reason()));
        }
        boolean open = false;
        boolean failed = false;
        List<String> reasons = new ArrayList<>();
        for (Step s : latestByModel.values()) {
            boolean done = RequestSettlement.MODEL_ENDS.contains(s.state()) || until == Until.BATCHED
                    && (s.state() == RequestState.BATCHED || s.state() == RequestState.UNLEARNED);
            open |= !done;
            failed |= s.state() == RequestState.FAILED;
            reasons.add(s.modelId() + ": " + s.state() + (s.versionId() == null ? "" : " " + s.versionId())
                    + (s.reason() == null || s.reason().isEmpty() ? "" : " (" + s.reason() + ")"));
        }
        Outcome outcome = open ? Outcome.PENDING : failed ? Outcome.FAILED : Outcome.ACCEPTED;
        return new Summary(requestId, outcome, reasons);
    }

    public boolean settled(String requestId) {
        return summary(requestId).outcome() != Outcome.PENDING;
    }
}
