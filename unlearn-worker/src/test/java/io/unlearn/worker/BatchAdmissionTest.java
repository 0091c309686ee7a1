package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.families.DualEncoderFamily;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.unlearning.spi.ImageSet;
import io.unlearn.unlearning.spi.Unlearning;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Which requests of a batch a model can serve; the refused ones fail alone, with a reason. */
class BatchAdmissionTest {

    private static final ImageSet TRAIN = Unlearning.dataset("synthetic?samples=200&classes=4&side=8&seed=3").train();
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");

    @Test
    void shouldFailAPairThatWasNeverTrainedOnAloneAndKeepTheOtherPairsAndClasses() {
        String a = id(3);
        String b = id(4);
        UnlearningBatch batch = batch(
                pairs("own", new SamplePair(a, a), new SamplePair(b, b)),
                BatchedRequest.newBuilder(pairs("foreign", new SamplePair(a, a), new SamplePair(a, b)))
                        .setDeadline(NOW.plusSeconds(60)).build(),
                pairs("missing-image", new SamplePair("999999", "999999")),
                request("class", DeletionScope.CLASS).setClassLabel(2).build());

        BatchAdmission admission = BatchAdmission.of(batch, DualEncoderFamily.DUAL_ENCODER, TRAIN, NOW);

        Map<String, String> refused = reasons(admission);
        assertEquals(List.of("foreign", "missing-image"), List.copyOf(refused.keySet()));
        assertTrue(refused.get("foreign").contains("pair (image " + a + ", caption " + b + ") is not a training pair"),
                refused.get("foreign"));
        assertTrue(refused.get("missing-image").contains("999999"), refused.get("missing-image"));
        assertEquals(NOW.plusSeconds(60), admission.refused().get(0).getDeadline(), "the refused request's deadline");
        UnlearningBatch served = admission.served().orElseThrow();
        assertEquals(List.of("own", "class"), served.getRequests().stream().map(BatchedRequest::getRequestId).toList());
        assertEquals(List.of(a, b).stream().sorted().toList(), served.getSampleIds());
        assertEquals(List.of(2), served.getClassLabels());
        assertEquals(List.of(new SamplePair(a, a), new SamplePair(b, b)), served.getPairs());
    }

    @Test
    void shouldFailPairsForAClassifierAloneAndPassAnAllServableBatchThrough() {
        String a = id(5);
        UnlearningBatch mixed = batch(pairs("pairs", new SamplePair(a, a)),
                request("samples", DeletionScope.SAMPLES).setSampleIds(List.of(a)).build());

        BatchAdmission admission = BatchAdmission.of(mixed, Classifiers.CLASSIFIER, TRAIN, NOW);

        assertEquals(List.of("pairs"), List.copyOf(reasons(admission).keySet()));
        assertTrue(reasons(admission).get("pairs").contains("cannot unlearn PAIRS"), reasons(admission)::toString);
        assertEquals(List.of("samples"), admission.served().orElseThrow().getRequests().stream()
                .map(BatchedRequest::getRequestId).toList());

        UnlearningBatch good = batch(request("samples", DeletionScope.SAMPLES).setSampleIds(List.of(a)).build());
        BatchAdmission all = BatchAdmission.of(good, Classifiers.CLASSIFIER, TRAIN, NOW);
        assertTrue(all.refused().isEmpty());
        assertSame(good, all.served().orElseThrow(), "a batch without a bad request goes on unchanged");
    }

    private static Map<String, String> reasons(BatchAdmission admission) {
        admission.refused().forEach(s -> assertEquals(RequestState.FAILED, s.getState()));
        return admission.refused().stream().collect(Collectors.toMap(RequestStatus::getRequestId,
                RequestStatus::getReason, (x, y) -> x, java.util.LinkedHashMap::new));
    }

    private static String id(int position) {
        return Integer.toString(TRAIN.id(position));
    }

    private static BatchedRequest pairs(String id, SamplePair... pairs) {
        return request(id, DeletionScope.PAIRS).setPairs(List.of(pairs)).build();
    }

    private static BatchedRequest.Builder request(String id, DeletionScope scope) {
        return BatchedRequest.newBuilder().setRequestId(id).setScope(scope);
    }

    private static UnlearningBatch batch(BatchedRequest... requests) {
        return UnlearningBatch.newBuilder().setBatchId("m-000001").setModelId("m").setSequence(1)
                .setRequests(List.of(requests)).setTrigger(BatchTrigger.MAX_WAIT).setCreatedAt(NOW).build();
    }
}
