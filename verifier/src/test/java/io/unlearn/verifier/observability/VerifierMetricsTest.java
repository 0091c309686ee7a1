package io.unlearn.verifier.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.kit.processing.TaskOutcome;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationResult;
import io.unlearn.verifier.escalation.VerifierOutput;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** The names and tags a dashboard reads from the verifier. */
class VerifierMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final VerifierMetrics metrics = new VerifierMetrics(meters);

    private static RequestStatus status(RequestState state) {
        RequestStatus s = SampleRecords.requestStatus();
        s.setState(state);
        return s;
    }

    private static VerificationResult result(Verdict verdict) {
        VerificationResult r = SampleRecords.verificationResult();
        r.setVerdict(verdict);
        return r;
    }

    @Test
    void shouldCountVerdictsStatusesRetriesDeferralsAndDurationsUnderUnlearnVerifierNames() {
        // Given nothing published yet, then no verdict meter exists
        assertNull(meters.find("unlearn.verifier.verdicts").counter());

        // When one candidate passes, one fails and is retried, one is deferred
        metrics.published(new VerifierOutput(Optional.of(result(Verdict.PASSED)),
                List.of(status(RequestState.VERIFIED), status(RequestState.VERIFIED)), Optional.empty()));
        metrics.published(new VerifierOutput(Optional.of(result(Verdict.FAILED)),
                List.of(status(RequestState.BATCHED)), Optional.of(SampleRecords.unlearningBatch())));
        metrics.deferred();
        metrics.verified(Duration.ofMillis(250));

        // Then each is counted under its name and tag
        assertEquals(1.0, meters.get("unlearn.verifier.verdicts").tag("verdict", "PASSED").counter().count());
        assertEquals(1.0, meters.get("unlearn.verifier.verdicts").tag("verdict", "FAILED").counter().count());
        assertEquals(2.0, meters.get("unlearn.verifier.request.statuses").tag("state", "VERIFIED").counter()
                .count());
        assertEquals(1.0, meters.get("unlearn.verifier.request.statuses").tag("state", "BATCHED").counter().count());
        assertNull(meters.find("unlearn.verifier.request.statuses").tag("state", "FAILED").counter());
        assertEquals(1.0, meters.get("unlearn.verifier.retry.batches").counter().count());
        assertEquals(1.0, meters.get("unlearn.verifier.deferrals").counter().count());
        assertEquals(1, meters.get("unlearn.verifier.verification.duration").timer().count());
    }

    @Test
    void shouldExposeTheCandidateLoopsCountersUnderUnlearnVerifierLoop() {
        TransactionalTaskLoop<CandidateVersion> loop = new TransactionalTaskLoop<>(new MockConsumer<>("earliest"),
                new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()),
                new InMemorySchemaRegistryClient(), CandidateVersion.class,
                TransactionalTaskLoop.Settings.of("verifier", "unlearning.candidates", "unlearning.dead-letter"),
                (candidate, source) -> TaskOutcome.publish(List.of()));
        try (loop) {
            metrics.bindLoop(loop);

            for (String what : List.of("committed", "retries", "dead.letters", "aborted")) {
                assertNotNull(meters.find("unlearn.verifier.loop." + what).functionCounter(), what);
            }
            meters.getMeters().forEach(m -> assertTrue(m.getId().getName().startsWith("unlearn.verifier."),
                    m.getId().getName()));
        }
    }
}
