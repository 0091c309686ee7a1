package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The request statuses the stream-processor writes, each with a reason a person can read and no longer than
 * {@link #MAX_REASON_CHARS}: every reason goes through {@link #reason}, and a list of problems keeps as many whole
 * problems as fit and counts the rest.
 */
public final class Statuses {

    /** The {@code stage} of every status written here. */
    public static final String STAGE = "stream-processor";

    /**
     * Longest reason, in chars. A reason is for a person; a request naming tens of thousands of bad ids once made a
     * 3.8 MB status that the producer refused (RecordTooLargeException), which stopped the service. 2,000 chars
     * (at most 8,000 UTF-8 bytes) name the first problems and the count of the rest.
     */
    public static final int MAX_REASON_CHARS = 2_000;

    private static final String REJECTED_PREFIX = "rejected: ";
    private static final String REJECTED_SUFFIX = ". Fix the request and send it again.";

    private Statuses() {
    }

    /** @param deadline the request's deadline; null when the request could not be decoded */
    public static RequestStatus rejected(String requestId, List<String> problems, Instant deadline, Instant at) {
        return base(requestId, RequestState.REJECTED, deadline, at)
                .setReason(reason(REJECTED_PREFIX + problems(problems,
                        MAX_REASON_CHARS - REJECTED_PREFIX.length() - REJECTED_SUFFIX.length()) + REJECTED_SUFFIX))
                .build();
    }

    /**
     * {@code problems} joined with "; ", in at most {@code maxChars}: as many whole problems as fit (at least the
     * first, cut if it alone is too long), then "… and N more problems".
     */
    static String problems(List<String> problems, int maxChars) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < problems.size(); i++) {
            String next = (i == 0 ? "" : "; ") + problems.get(i);
            int rest = problems.size() - i - 1;
            // room for the count of the problems after this one, should a later one not fit
            int tail = rest == 0 ? 0 : more(rest + 1).length();
            if (out.length() + next.length() + tail > maxChars) {
                if (i == 0) {
                    out.append(cut(next, maxChars - more(problems.size()).length()));
                    i = 1;
                }
                if (i < problems.size()) {
                    out.append(more(problems.size() - i));
                }
                return out.toString();
            }
            out.append(next);
        }
        return out.toString();
    }

    private static String more(int count) {
        return String.format(Locale.ROOT, "; … and %,d more problem%s", count, count == 1 ? "" : "s");
    }

    /**
     * {@code reason} cut to {@link #MAX_REASON_CHARS}; every status written here goes through it, so no reason can
     * outgrow a record whatever ids it quotes.
     */
    public static String reason(String reason) {
        return cut(reason, MAX_REASON_CHARS);
    }

    private static String cut(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = Math.max(0, maxChars - 1);
        if (end > 0 && Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never split a surrogate pair into an unencodable half
        }
        return text.substring(0, end) + "…";
    }

    /** @param firstOrigin where the first occurrence was read, {@code topic-partition@offset} */
    public static RequestStatus duplicateOf(String requestId, String firstOrigin, Instant deadline, Instant at) {
        return base(requestId, RequestState.DUPLICATE_OF, deadline, at)
                .setDuplicateOf(firstOrigin)
                .setReason(reason("request id already received at " + firstOrigin + "; that occurrence is the one "
                        + "processed, this copy is ignored"))
                .build();
    }

    /** RECEIVED: a SUBJECT request whose subject no training manifest lists yet waits for one, at most {@code wait}. */
    public static RequestStatus waitingForSubject(String requestId, String subjectId, Duration wait, Instant deadline,
                                                  Instant at) {
        return base(requestId, RequestState.RECEIVED, deadline, at)
                .setReason(reason("no training manifest lists subject '" + subjectId + "' yet; waiting up to "
                        + wait.toSeconds() + " s for a model's entry (subject.wait.ms) before ending"
                        + " NO_MODELS_AFFECTED"))
                .setFlags(RequestValidator.flags(deadline, at))
                .build();
    }

    public static RequestStatus noModelsAffected(String requestId, String subjectId, Instant deadline, Instant at) {
        return base(requestId, RequestState.NO_MODELS_AFFECTED, deadline, at)
                .setReason(reason("the training manifest lists no model trained on subject '" + subjectId
                        + "'; nothing needs to be forgotten, so the request is satisfied"))
                .setFlags(RequestValidator.flags(deadline, at))
                .build();
    }

    public static RequestStatus batched(BatchedRequest request, String modelId, String batchId, Instant at) {
        return base(request.getRequestId(), RequestState.BATCHED, request.getDeadline(), at)
                .setModelId(modelId)
                .setBatchId(batchId)
                .setReason(reason("batched for model '" + modelId + "' in " + batchId
                        + "; the unlearn-worker picks it up next"))
                .setFlags(RequestValidator.flags(request.getDeadline(), at))
                .build();
    }

    private static RequestStatus.Builder base(String requestId, RequestState state, Instant deadline, Instant at) {
        return RequestStatus.newBuilder()
                .setRequestId(requestId)
                .setState(state)
                .setStage(STAGE)
                .setAt(at)
                .setDeadline(deadline);
    }
}
