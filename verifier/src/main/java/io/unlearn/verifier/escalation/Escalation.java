package io.unlearn.verifier.escalation;

import io.unlearn.catalog.Attempt;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.InvalidPolicyException;
import io.unlearn.catalog.MethodSpec;

import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;
import io.unlearn.verifier.evaluation.Measurements;
import io.unlearn.verifier.verdict.Check;
import io.unlearn.verifier.verdict.Verdict;
import io.unlearn.verifier.verdict.VerdictPolicy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Turns a verdict into what the verifier publishes. The rule (shared with the unlearn-worker, which picks the
 * method from the attempt number):
 * <ul>
 *   <li>PASSED: the verification result and one VERIFIED status per request.</li>
 *   <li>FAILED by a candidate that was not exact retraining: the same batch again (same id and forget set,
 *       {@code attempt + 1}, trigger RETRY) and one BATCHED status per request saying why and what comes next;
 *       the worker runs attempt {@code n} with stronger settings while {@code n < maxFailuresBeforeRetrain}, then
 *       exact retraining.</li>
 *   <li>FAILED by exact retraining: one terminal FAILED status per request: no method can do better than the
 *       reference, so the thresholds are unattainable and only a policy change helps.</li>
 * </ul>
 * Either way every request id of the candidate gets exactly one status, so no request is lost.
 *
 * <p>Guard: a non-retraining candidate with {@code attempt > maxFailuresBeforeRetrain} means the worker did not
 * escalate; the requests end FAILED rather than loop forever.
 */
public final class Escalation {

    /** The {@code stage} of every status the verifier writes. */
    public static final String STAGE = "verifier";

    private final Clock clock;

    public Escalation(Clock clock) {
        this.clock = clock;
    }

    /** The output for a measured candidate. */
    public VerifierOutput judged(CandidateVersion candidate, FamilySpec family, UnlearningPolicy policy, Verdict verdict,
                                 Measurements measured) {
        VerificationResult result = result(candidate, verdict, measured);
        if (verdict.passed()) {
            String reason = "version " + candidate.getVersionId() + " passed verification: " + verdict.reason();
            return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.VERIFIED,
                    candidate.getVersionId(), reason), Optional.empty());
        }
        String failures = verdict.failed().stream().map(c -> VerdictPolicy.describe(c, measured.candidate()))
                .collect(Collectors.joining(", "));
        return failed(candidate, family, policy, result, "verification failed for version " + candidate.getVersionId()
                + " (" + failures + ")", measured.forgetSampleIds(), measured.forgetClasses(),
                "exact retraining also failed the policy's thresholds (" + failures + "): the thresholds are"
                        + " unattainable; the requests are not lost but need a policy change");
    }

    /**
     * The output for a candidate that could not be measured (artifact missing or altered, ...): a FAILED result
     * without checks.
     *
     * @param retryable whether a fresh attempt could fix it (a broken candidate artifact: yes; a broken parent
     *                  artifact or an invalid forget set: no, the next attempt would start from the same thing)
     */
    public VerifierOutput unmeasurable(CandidateVersion candidate, FamilySpec family, UnlearningPolicy policy, String problem,
                                       boolean retryable) {
        VerificationResult result = result(candidate, Verdict.unmeasurable("not measured: " + problem), null);
        if (!retryable) {
            return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.FAILED,
                    candidate.getVersionId(), "version " + candidate.getVersionId() + " could not be verified: "
                            + problem + "; a new attempt would not help, the requests need an operator"),
                    Optional.empty());
        }
        return failed(candidate, family, policy, result, "version " + candidate.getVersionId() + " could not be verified ("
                + problem + ")", List.of(), List.of(), "exact retraining was already tried and its version could not"
                + " be verified (" + problem + "); the requests are not lost but need an operator");
    }

    /**
     * The output for a candidate the verifier gave up on (its verification threw, hung past {@code task.timeout.ms}
     * or kept waiting past {@code task.retry.timeout.ms}): a FAILED result, so the worker stops waiting for a
     * verdict on it and the model's next batch goes ahead, and terminal FAILED statuses naming the cause.
     */
    public VerifierOutput abandoned(CandidateVersion candidate, String problem) {
        VerificationResult result = result(candidate, Verdict.unmeasurable("not measured: " + problem), null);
        return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.FAILED,
                candidate.getVersionId(), "version " + candidate.getVersionId() + " was not verified: " + problem
                        + "; the candidate is on the dead-letter topic, send the requests again once the cause is"
                        + " fixed"), Optional.empty());
    }

    /** The output for a candidate of a model the registry does not know: terminal FAILED statuses only. */
    public VerifierOutput unknownModel(CandidateVersion candidate) {
        String reason = "unknown model " + candidate.getModelId() + ": the model-registry has no such model, so"
                + " version " + candidate.getVersionId() + " cannot be verified; register the model and resend the"
                + " requests";
        return new VerifierOutput(Optional.empty(), statuses(candidate, RequestState.FAILED,
                candidate.getVersionId(), reason), Optional.empty());
    }

    private VerifierOutput failed(CandidateVersion candidate, FamilySpec family, UnlearningPolicy policy, VerificationResult result,
                                  String what, List<String> measuredSampleIds, List<Integer> measuredClasses,
                                  String exactFailedReason) {
        int attempt = candidate.getAttempt();
        if (family.method(candidate.getMethod()).map(MethodSpec::exact).orElse(false)) {
            return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.FAILED,
                    candidate.getVersionId(), exactFailedReason), Optional.empty());
        }
        int next = attempt + 1;
        Optional<Attempt> planned;
        try {
            planned = family.attempt(policy, next);
        } catch (InvalidPolicyException e) {
            return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.FAILED,
                    candidate.getVersionId(), what + "; the model's policy cannot be carried out (" + e.getMessage()
                            + "); the requests need a policy change"), Optional.empty());
        }
        if (planned.isEmpty()) {
            String reason = what + "; the policy allows no attempt after attempt " + attempt + " ("
                    + (family.retrainable() ? "exact retraining comes after maxFailuresBeforeRetrain = "
                    + policy.maxFailuresBeforeRetrain() + " failures" : family.id() + " models cannot be retrained"
                    + " from scratch") + "); the requests are not lost but need a policy change or an operator";
            return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.FAILED,
                    candidate.getVersionId(), reason), Optional.empty());
        }
        String with = planned.get().exact() ? "exact retraining"
                : "stronger " + planned.get().method().id() + " settings";
        String reason = what + "; retry attempt " + next + " with " + with;
        UnlearningBatch retry = retryBatch(candidate, next, measuredSampleIds, measuredClasses);
        return new VerifierOutput(Optional.of(result), statuses(candidate, RequestState.BATCHED, null, reason),
                Optional.of(retry));
    }

    /**
     * The batch again, from the forget set and requests the candidate carries; a candidate from a worker that does
     * not fill them yet is rebuilt from the measured forget set, one SAMPLES entry per request.
     */
    private UnlearningBatch retryBatch(CandidateVersion c, int attempt, List<String> measuredSampleIds,
                                       List<Integer> measuredClasses) {
        boolean carried = !c.getSampleIds().isEmpty() || !c.getClassLabels().isEmpty();
        List<String> sampleIds = carried ? c.getSampleIds() : measuredSampleIds;
        List<Integer> classes = carried ? c.getClassLabels() : measuredClasses;
        List<BatchedRequest> requests = c.getRequests();
        if (requests.isEmpty()) {
            requests = new ArrayList<>();
            for (String requestId : requestIds(c)) {
                requests.add(BatchedRequest.newBuilder().setRequestId(requestId).setScope(DeletionScope.SAMPLES)
                        .setSampleIds(sampleIds).build());
            }
        }
        return UnlearningBatch.newBuilder()
                .setBatchId(c.getBatchId())
                .setModelId(c.getModelId())
                .setSequence(sequenceOf(c.getBatchId()))
                .setRequests(requests)
                .setSampleIds(sampleIds)
                .setClassLabels(classes)
                .setTrigger(BatchTrigger.RETRY)
                .setAttempt(attempt)
                .setCreatedAt(clock.instant())
                .build();
    }

    /** The per-model counter at the end of a batch id ({@code modelId-0007} -> 7); 0 when there is none. */
    static long sequenceOf(String batchId) {
        int dash = batchId.lastIndexOf('-');
        String tail = batchId.substring(dash + 1);
        if (tail.isEmpty() || tail.length() > 18 || !tail.chars().allMatch(Character::isDigit)) {
            return 0;
        }
        return Long.parseLong(tail);
    }

    private VerificationResult result(CandidateVersion c, Verdict verdict, Measurements measured) {
        List<VerificationCheck> checks = new ArrayList<>();
        for (Check check : verdict.checks()) {
            checks.add(new VerificationCheck(check.metric(), check.value(), check.comparator(), check.threshold(),
                    check.passed()));
        }
        return VerificationResult.newBuilder()
                .setModelId(c.getModelId())
                .setVersionId(c.getVersionId())
                .setBatchId(c.getBatchId())
                .setRequestIds(requestIds(c))
                .setVerdict(verdict.passed() ? io.unlearn.schemas.v1.Verdict.PASSED : io.unlearn.schemas.v1.Verdict.FAILED)
                .setChecks(checks)
                .setMetrics(measured == null ? Map.of() : measured.candidate())
                .setParentMetrics(measured == null ? Map.of() : measured.parent())
                .setReferenceMetrics(measured == null ? Map.of() : measured.reference())
                .setReason(verdict.reason())
                .setVerifiedAt(clock.instant())
                .build();
    }

    private List<RequestStatus> statuses(CandidateVersion c, RequestState state, String versionId, String reason) {
        Instant at = clock.instant();
        List<RequestStatus> out = new ArrayList<>();
        for (String requestId : requestIds(c)) {
            out.add(RequestStatus.newBuilder()
                    .setRequestId(requestId)
                    .setState(state)
                    .setModelId(c.getModelId())
                    .setBatchId(c.getBatchId())
                    .setVersionId(versionId)
                    .setReason(reason)
                    .setStage(STAGE)
                    .setAt(at)
                    .build());
        }
        return out;
    }

    /** The candidate's request ids, each once, in order (a repeated id must not get two statuses). */
    private static List<String> requestIds(CandidateVersion c) {
        return List.copyOf(new LinkedHashSet<>(c.getRequestIds()));
    }
}
