package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchTrigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchStateTest {

    private static final BatchLimits LIMITS = new BatchLimits(3, 10, Duration.ofSeconds(5), 1_000_000,
            Duration.ofSeconds(2));
    private static final long NONE = DeadlinePolicy.NONE;

    @Test
    void shouldKeepTheArrivalTimeOfTheOldestRequest() {
        BatchState state = BatchState.EMPTY.withRequest(1, 1_000, NONE).withRequest(1, 4_000, NONE);

        assertEquals(1_000, state.oldestPendingAtMs());
        assertEquals(Optional.empty(), state.closingTrigger(LIMITS, 5_999));
        assertEquals(Optional.of(BatchTrigger.MAX_WAIT), state.closingTrigger(LIMITS, 6_000));
    }

    @Test
    void shouldCloseOnceTheEarliestDeadlineIsWithinTheMarginBeforeMaxWait() {
        // Given requests due at 10 s and 3.5 s, with a 2 s margin and a 5 s max wait
        BatchState state = BatchState.EMPTY.withRequest(1, 0, 10_000).withRequest(1, 100, 3_500);

        // Then the batch waits until 1.5 s (3.5 s - 2 s), and closes by DEADLINE from then on
        assertEquals(3_500, state.earliestDeadlineMs());
        assertEquals(Optional.empty(), state.closingTrigger(LIMITS, 1_499));
        assertEquals(Optional.of(BatchTrigger.DEADLINE), state.closingTrigger(LIMITS, 1_500));
        // and a batch whose max wait has passed as well is named by MAX_WAIT: DEADLINE means "closed early"
        assertEquals(Optional.of(BatchTrigger.MAX_WAIT), state.closingTrigger(LIMITS, 5_000));
        // and requests without a deadline never close a batch early
        assertEquals(Optional.empty(), BatchState.EMPTY.withRequest(1, 0, NONE).closingTrigger(LIMITS, 4_999));
    }

    @Test
    void shouldPreferSizeTriggersOverTime() {
        BatchState state = BatchState.EMPTY.withRequest(12, 0, NONE);

        assertEquals(Optional.of(BatchTrigger.MAX_SAMPLES), state.closingTrigger(LIMITS, 60_000));
    }

    @Test
    void shouldNeverCloseAnEmptyBatch() {
        assertEquals(Optional.empty(), BatchState.EMPTY.closingTrigger(LIMITS, Long.MAX_VALUE));
    }

    @Test
    void shouldAdvanceTheSequenceAndEmptyTheBatchWhenClosed() {
        BatchState closed = BatchState.EMPTY.withRequest(1, 0, 3_000).closed();

        assertEquals(new BatchState(1, 0, 0, 0, NONE), closed);
        assertEquals(2, closed.nextSequence());
        assertEquals("m-1-0000000002", Batches.batchId("m-1", closed.nextSequence()));
    }
}
