package io.unlearn.verifier.escalation;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.schemas.v1.VerificationResult;
import io.unlearn.verifier.evaluation.Measurements;
import io.unlearn.verifier.verdict.Verdict;
import io.unlearn.verifier.verdict.VerdictPolicy;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EscalationTest {

    private static final Instant NOW = Instant.parse("2026-11-23T12:00:00Z");
    private static final Escalation ESCALATION = new Escalation(Clock.fixed(NOW, ZoneOffset.UTC));
    private static final UnlearningPolicy POLICY = new UnlearningPolicy("contrastive", Map.of("maxEpochs", "2"),
            List.of(new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2),
                    new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.8)), 2);
    private static final List<String> REQUESTS = List.of("r-1", "r-2", "r-3");

    private static CandidateVersion candidate(String method, int attempt) {
        return CandidateVersion.newBuilder()
                .setModelId("m1")
                .setVersionId("v-" + attempt)
                .setParentVersionId("base")
                .setBatchId("m1-0000000007")
                .setRequestIds(REQUESTS)
                .setMethod(method)
                .setMethodSettings(Map.of())
                .setArtifactDigest("a".repeat(64))
                .setDevice("cpu()")
                .setCost(new UnlearningCost(10L, 10L, 10L))
                .setAttempt(attempt)
                .setSeed(42L)
                .setCreatedAt(NOW.minusSeconds(30))
                .setSampleIds(List.of("11", "12", "40"))
                .setClassLabels(List.of(3))
                .setRequests(List.of(
                        request("r-1", DeletionScope.SAMPLES, List.of("11", "12")),
                        request("r-2", DeletionScope.SUBJECT, List.of("40")),
                        BatchedRequest.newBuilder().setRequestId("r-3").setScope(DeletionScope.CLASS)
                                .setClassLabel(3).build()))
                .build();
    }

    private static BatchedRequest request(String id, DeletionScope scope, List<String> samples) {
        return BatchedRequest.newBuilder().setRequestId(id).setScope(scope).setSampleIds(samples).build();
    }

    private static final Measurements MEASURED = new Measurements(
            Map.of("forget.accuracy", 0.62, "retain.accuracy", 0.94), Map.of("forget.accuracy", 0.97), Map.of(),
            List.of("11", "12", "40"), List.of(3));

    private static Verdict failing() {
        return VerdictPolicy.judge(POLICY.thresholds(), MEASURED.candidate());
    }

    /** Nothing lost: every request id of the candidate in exactly one status, all in the given state. */
    private static void assertOneStatusPerRequest(VerifierOutput out, RequestState state) {
        assertEquals(REQUESTS, out.statuses().stream().map(RequestStatus::getRequestId).toList());
        for (RequestStatus s : out.statuses()) {
            assertEquals(state, s.getState());
            assertEquals("verifier", s.getStage());
            assertEquals("m1", s.getModelId());
            assertEquals("m1-0000000007", s.getBatchId());
            assertEquals(NOW, s.getAt());
        }
    }

    @Test
    void shouldPublishThePassedResultAndOneVerifiedStatusPerRequest() {
        Measurements good = new Measurements(Map.of("forget.accuracy", 0.1, "retain.accuracy", 0.9),
                Map.of("forget.accuracy", 0.97), Map.of(), List.of("11"), List.of());
        Verdict verdict = VerdictPolicy.judge(POLICY.thresholds(), good.candidate());

        VerifierOutput out = ESCALATION.judged(candidate("contrastive", 0), Classifiers.CLASSIFIER, POLICY, verdict, good);

        VerificationResult result = out.result().orElseThrow();
        assertEquals(io.unlearn.schemas.v1.Verdict.PASSED, result.getVerdict());
        assertEquals(2, result.getChecks().size());
        assertEquals(Map.of("forget.accuracy", 0.97), result.getParentMetrics());
        assertOneStatusPerRequest(out, RequestState.VERIFIED);
        assertEquals("v-0", out.statuses().get(0).getVersionId());
        assertTrue(out.statuses().get(0).getReason().startsWith("version v-0 passed verification: passed all 2"),
                out.statuses().get(0).getReason());
        assertTrue(out.retry().isEmpty());
    }

    @Test
    void shouldReissueTheBatchWithTheNextAttemptAndStrongerSettingsBelowTheLimit() {
        // Given attempt 0 of a policy that escalates to retraining from attempt 2
        VerifierOutput out = ESCALATION.judged(candidate("contrastive", 0), Classifiers.CLASSIFIER, POLICY, failing(), MEASURED);

        // Then the same batch comes back with attempt 1, trigger RETRY, the same forget set and requests
        UnlearningBatch retry = out.retry().orElseThrow();
        assertEquals("m1-0000000007", retry.getBatchId());
        assertEquals("m1", retry.getModelId());
        assertEquals(7, retry.getSequence());
        assertEquals(1, retry.getAttempt());
        assertEquals(BatchTrigger.RETRY, retry.getTrigger());
        assertEquals(List.of("11", "12", "40"), retry.getSampleIds());
        assertEquals(List.of(3), retry.getClassLabels());
        assertEquals(candidate("contrastive", 0).getRequests(), retry.getRequests());
        assertEquals(NOW, retry.getCreatedAt());
        // And the failed result is published for the lineage
        assertEquals(io.unlearn.schemas.v1.Verdict.FAILED, out.result().orElseThrow().getVerdict());
        // And each request is BATCHED again, saying why and what comes next
        assertOneStatusPerRequest(out, RequestState.BATCHED);
        assertNull(out.statuses().get(0).getVersionId());
        assertEquals("verification failed for version v-0 (forget.accuracy 0.62 > 0.2 (misses by 0.42)); retry"
                + " attempt 1 with stronger contrastive settings", out.statuses().get(0).getReason());
    }

    @Test
    void shouldEscalateToExactRetrainingWhenTheNextAttemptReachesTheLimit() {
        VerifierOutput out = ESCALATION.judged(candidate("contrastive", 1), Classifiers.CLASSIFIER, POLICY, failing(), MEASURED);

        assertEquals(2, out.retry().orElseThrow().getAttempt());
        assertOneStatusPerRequest(out, RequestState.BATCHED);
        assertTrue(out.statuses().get(0).getReason().endsWith("retry attempt 2 with exact retraining"),
                out.statuses().get(0).getReason());
    }

    @Test
    void shouldEndTheRequestsFailedWhenExactRetrainingFailed() {
        VerifierOutput out = ESCALATION.judged(candidate("retrain", 2), Classifiers.CLASSIFIER, POLICY, failing(), MEASURED);

        assertTrue(out.retry().isEmpty());
        assertEquals(io.unlearn.schemas.v1.Verdict.FAILED, out.result().orElseThrow().getVerdict());
        assertOneStatusPerRequest(out, RequestState.FAILED);
        assertEquals("v-2", out.statuses().get(0).getVersionId());
        assertEquals("exact retraining also failed the policy's thresholds (forget.accuracy 0.62 > 0.2 (misses by"
                + " 0.42)): the thresholds are unattainable; the requests are not lost but need a policy change",
                out.statuses().get(0).getReason());
    }

    @Test
    void shouldCloseAnAbandonedCandidateWithAFailedResultSoTheWorkerStopsWaitingAndFailedStatuses() {
        VerifierOutput out = ESCALATION.abandoned(candidate("contrastive", 0), "the task ran longer than its timeout");

        // A verdict, so the worker's next batch of the model does not wait for one forever
        assertEquals(io.unlearn.schemas.v1.Verdict.FAILED, out.result().orElseThrow().getVerdict());
        assertTrue(out.retry().isEmpty());
        assertOneStatusPerRequest(out, RequestState.FAILED);
        assertTrue(out.statuses().get(0).getReason().contains("was not verified: the task ran longer than its"
                + " timeout"), out.statuses().get(0).getReason());
    }

    @Test
    void shouldStopInsteadOfLoopingWhenTheWorkerDidNotEscalate() {
        VerifierOutput out = ESCALATION.judged(candidate("contrastive", 3), Classifiers.CLASSIFIER, POLICY, failing(), MEASURED);

        assertTrue(out.retry().isEmpty());
        assertOneStatusPerRequest(out, RequestState.FAILED);
        assertTrue(out.statuses().get(0).getReason().contains("the policy allows no attempt after attempt 3 (exact"
                + " retraining comes after maxFailuresBeforeRetrain = 2 failures)"),
                out.statuses().get(0).getReason());
    }

    @Test
    void shouldRetryABrokenCandidateArtifactButNotABrokenParent() {
        VerifierOutput candidateSide = ESCALATION.unmeasurable(candidate("contrastive", 0), Classifiers.CLASSIFIER, POLICY,
                "the artifact is missing", true);
        VerifierOutput parentSide = ESCALATION.unmeasurable(candidate("contrastive", 0), Classifiers.CLASSIFIER, POLICY,
                "the parent's artifact was altered", false);

        assertEquals(1, candidateSide.retry().orElseThrow().getAttempt());
        assertOneStatusPerRequest(candidateSide, RequestState.BATCHED);
        VerificationResult failed = candidateSide.result().orElseThrow();
        assertEquals(io.unlearn.schemas.v1.Verdict.FAILED, failed.getVerdict());
        assertTrue(failed.getChecks().isEmpty());
        assertEquals("not measured: the artifact is missing", failed.getReason());

        assertTrue(parentSide.retry().isEmpty());
        assertOneStatusPerRequest(parentSide, RequestState.FAILED);
        assertTrue(parentSide.statuses().get(0).getReason().contains("the parent's artifact was altered"));
    }

    @Test
    void shouldEndTheRequestsOfAnUnknownModelFailedWithoutAResult() {
        VerifierOutput out = ESCALATION.unknownModel(candidate("contrastive", 0));

        assertTrue(out.result().isEmpty());
        assertTrue(out.retry().isEmpty());
        assertOneStatusPerRequest(out, RequestState.FAILED);
        assertTrue(out.statuses().get(0).getReason().startsWith("unknown model m1"));
    }

    @Test
    void shouldGiveARepeatedRequestIdOneStatusOnly() {
        CandidateVersion repeated = CandidateVersion.newBuilder(candidate("contrastive", 0))
                .setRequestIds(List.of("r-1", "r-2", "r-1", "r-3")).build();

        VerifierOutput out = ESCALATION.judged(repeated, Classifiers.CLASSIFIER, POLICY, failing(), MEASURED);

        assertOneStatusPerRequest(out, RequestState.BATCHED);
        assertEquals(REQUESTS, out.result().orElseThrow().getRequestIds());
    }

    @Test
    void shouldRebuildTheRetryFromTheMeasuredForgetSetWhenTheCandidateCarriesNone() {
        // Given a candidate from a worker that does not fill the batch fields
        CandidateVersion bare = CandidateVersion.newBuilder(candidate("fine_tune", 0))
                .setSampleIds(List.of()).setClassLabels(List.of()).setRequests(List.of()).build();

        UnlearningBatch retry = ESCALATION.judged(bare, Classifiers.CLASSIFIER, POLICY, failing(), MEASURED).retry().orElseThrow();

        assertEquals(List.of("11", "12", "40"), retry.getSampleIds());
        assertEquals(List.of(3), retry.getClassLabels());
        assertEquals(REQUESTS, retry.getRequests().stream().map(BatchedRequest::getRequestId).toList());
    }

    @Test
    void shouldReadTheSequenceFromTheEndOfTheBatchId() {
        assertEquals(7, Escalation.sequenceOf("m1-0000000007"));
        assertEquals(12, Escalation.sequenceOf("fashion-classifier-12"));
        assertEquals(0, Escalation.sequenceOf("no-number"));
        assertEquals(0, Escalation.sequenceOf("plain"));
        assertFalse(Escalation.sequenceOf("m-99999999999999999999") > 0);
    }
}
