package io.unlearn.streamprocessor.domain;

import io.unlearn.schemas.v1.BatchTrigger;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class BatchStateTest {

    private static final BatchLimits LIMITS = new BatchLimits(3, 10, Duration.ofSeconds(5), 1_000_000);

    @Test
    void shouldKeepTheArrivalTimeOfTheOldestRequest() {
        BatchState state = BatchState.EMPTY.withRequest(1, 1_000).withRequest(1, 4_000);

        assertEquals(1_000, state.oldestPendingAtMs());
        assertEquals(Optional.empty(), state.closingTrigger(LIMITS, 5_999));
        assertEquals(Optional.of(BatchTrigger.MAX_WAIT), state.closingTrigger(LIMITS, 6_000));
    }

    @Test
    void shouldPreferSizeTriggersOverTime() {
        BatchState state = BatchState.EMPTY.withRequest(12, 0);

        assertEquals(Optional.of(BatchTrigger.MAX_SAMPLES), state.closingTrigger(LIMITS, 60_000));
    }

    @Test
    void shouldNeverCloseAnEmptyBatch() {
        assertEquals(Optional.empty(), BatchState.EMPTY.closingTrigger(LIMITS, Long.MAX_VALUE));
    }

    @Test
    void shouldAdvanceTheSequenceAndEmptyTheBatchWhenClosed() {
        BatchState closed = BatchState.EMPTY.withRequest(1, 0).closed();

        assertEquals(new BatchState(1, 0, 0, 0), closed);
        assertEquals(2, closed.nextSequence());
        assertEquals("m-1-0000000002", Batches.batchId("m-1", closed.nextSequence()));
    }
}
