package io.unlearn.cli.requests;

import io.unlearn.cli.requests.RequestOutcomes.Outcome;
import io.unlearn.cli.requests.RequestOutcomes.Step;
import io.unlearn.cli.requests.RequestOutcomes.Until;
import io.unlearn.schemas.v1.RequestState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RequestOutcomesTest {

    private static Step step(RequestState state, String model, String reason) {
        return new Step(state, model, null, reason);
    }

    @Test
    void shouldSettleARejectedRequestWithItsReason() {
        RequestOutcomes outcomes = new RequestOutcomes(Until.VERIFIED);
        outcomes.add("r-1", step(RequestState.RECEIVED, null, ""));
        outcomes.add("r-1", step(RequestState.REJECTED, null, "model id 'x' is not known"));

        RequestOutcomes.Summary summary = outcomes.summary("r-1");

        assertEquals(Outcome.REJECTED, summary.outcome());
        assertTrue(summary.reasons().get(0).contains("model id 'x'"));
    }

    @Test
    void shouldWaitForEveryModelAndFailWhenOneModelFailed() {
        RequestOutcomes outcomes = new RequestOutcomes(Until.VERIFIED);
        outcomes.add("r-1", step(RequestState.BATCHED, "m1", ""));
        outcomes.add("r-1", step(RequestState.BATCHED, "m2", ""));
        outcomes.add("r-1", step(RequestState.VERIFIED, "m1", ""));
        assertFalse(outcomes.settled("r-1"));

        outcomes.add("r-1", step(RequestState.FAILED, "m2", "sample 999 not in the data set"));

        assertEquals(Outcome.FAILED, outcomes.summary("r-1").outcome());
        assertEquals(2, outcomes.summary("r-1").reasons().size());
    }

    @Test
    void shouldReopenARequestThatIsBatchedAgainAfterAFailedVerification() {
        RequestOutcomes outcomes = new RequestOutcomes(Until.VERIFIED);
        outcomes.add("r-1", step(RequestState.BATCHED, "m1", ""));
        outcomes.add("r-1", step(RequestState.FAILED, "m1", "retrying with a stronger setting"));
        outcomes.add("r-1", step(RequestState.BATCHED, "m1", ""));
        assertEquals(Outcome.PENDING, outcomes.summary("r-1").outcome());

        outcomes.add("r-1", step(RequestState.VERIFIED, "m1", ""));
        assertEquals(Outcome.ACCEPTED, outcomes.summary("r-1").outcome());
    }

    @Test
    void shouldLetTheFirstCopysModelsDecideWhenARecopyIsADuplicate() {
        RequestOutcomes outcomes = new RequestOutcomes(Until.VERIFIED);
        outcomes.add("r-1", step(RequestState.BATCHED, "m1", ""));
        outcomes.add("r-1", step(RequestState.DUPLICATE_OF, null, "first seen at t/0@3"));
        assertEquals(Outcome.PENDING, outcomes.summary("r-1").outcome());

        RequestOutcomes only = new RequestOutcomes(Until.VERIFIED);
        only.add("r-2", step(RequestState.DUPLICATE_OF, null, "first seen at t/0@3"));
        assertEquals(Outcome.DUPLICATE, only.summary("r-2").outcome());
    }

    @Test
    void shouldSettleOnBatchedWhenOnlyTheStreamProcessorIsAwaited() {
        RequestOutcomes outcomes = new RequestOutcomes(Until.BATCHED);
        outcomes.add("r-1", step(RequestState.RECEIVED, null, ""));
        assertFalse(outcomes.settled("r-1"));
        outcomes.add("r-1", step(RequestState.BATCHED, "m1", ""));
        assertEquals(Outcome.ACCEPTED, outcomes.summary("r-1").outcome());
        assertEquals(Outcome.PENDING, outcomes.summary("never-seen").outcome());
    }
}
