package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusesTest {

    private static final Instant AT = Instant.parse("2026-01-02T03:04:05Z");

    private static UnlearningBatch batchOf(String... requestIds) {
        UnlearningBatch batch = SampleRecords.unlearningBatch();
        BatchedRequest template = batch.getRequests().get(0);
        batch.setRequests(java.util.Arrays.stream(requestIds)
                .map(id -> BatchedRequest.newBuilder(template).setRequestId(id).build()).toList());
        return batch;
    }

    @Test
    void shouldMarkEveryRequestUnlearnedByTheCandidateNamingTheMethodAndSettings() {
        List<RequestStatus> statuses = Statuses.unlearned(batchOf("r-1", "r-2", "r-1"), "v-abc", "fine_tune",
                Map.of("epochs", "3"), AT);

        assertEquals(List.of("r-1", "r-2"), statuses.stream().map(RequestStatus::getRequestId).toList());
        RequestStatus s = statuses.get(0);
        assertEquals(RequestState.UNLEARNED, s.getState());
        assertEquals("v-abc", s.getVersionId());
        assertEquals("unlearn-worker", s.getStage());
        assertEquals("fmnist-classifier-000001", s.getBatchId());
        assertEquals("fmnist-classifier", s.getModelId());
        assertEquals(AT, s.getAt());
        assertEquals(SampleRecords.unlearningBatch().getRequests().get(0).getDeadline(), s.getDeadline(),
                "the request's deadline, as the batch carries it");
        assertTrue(s.getReason().contains("fine_tune") && s.getReason().contains("epochs=3"), s.getReason());
    }

    @Test
    void shouldMarkEveryRequestFailedWithTheReasonAndNoVersion() {
        List<RequestStatus> statuses = Statuses.failed(batchOf("r-1", "r-2"), "unknown model 'x'", AT);

        assertEquals(2, statuses.size());
        assertEquals(RequestState.FAILED, statuses.get(1).getState());
        assertNull(statuses.get(1).getVersionId());
        assertEquals("not unlearned: unknown model 'x'", statuses.get(1).getReason());
    }
}
