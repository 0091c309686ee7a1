package io.unlearn.streamprocessor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.catalog.ManifestModelCatalog;
import io.unlearn.streamprocessor.domain.Statuses;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.unlearn.streamprocessor.TestRequests.samples;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The size limits under {@link TopologyTestDriver}, with the default limits ({@code request.max.ids} 100,000 and
 * the byte limits), so that requests as large as the one that once stopped the service reach the processors.
 */
class StreamProcessorSizeLimitsTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private StreamProcessorConfig cfg;
    private TopologyTestDriver driver;
    private TestInputTopic<String, DeletionRequest> requests;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestOutputTopic<String, RequestStatus> statuses;
    private TestOutputTopic<String, UnlearningBatch> batches;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamProcessorConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamProcessorConfig.KNOWN_MODELS_CONFIG, "m1,m2");
        props.put(StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, 1000);
        props.put(StreamProcessorConfig.BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, 100);
        cfg = StreamProcessorConfig.from(props);
        driver = new TopologyTestDriver(StreamProcessorTopology.build(cfg, registry,
                new ManifestModelCatalog(cfg.knownModels()), new StreamProcessorMetrics(meters)),
                cfg.streamsProperties(), START);
        requests = driver.createInputTopic(cfg.deletionRequestsTopic(), new StringSerializer(),
                AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).serializer());
        rawRequests = driver.createInputTopic(cfg.deletionRequestsTopic(), new ByteArraySerializer(),
                new ByteArraySerializer());
        statuses = driver.createOutputTopic(cfg.requestStatusTopic(), new StringDeserializer(),
                AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserializer());
        batches = driver.createOutputTopic(cfg.batchesTopic(), new StringDeserializer(),
                AvroSerde.forTopic(Topics.BATCHES, registry).deserializer());
        deadLetters = driver.createOutputTopic(cfg.deadLetterTopic(), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(DeletionRequest request) {
        requests.pipeInput(request.getRequestId(), request);
    }

    @Test
    void shouldRejectARequestWithTwentyThousandBadModelIdsInOneShortStatusAndBatchTheNextRequest() {
        // Given a request naming 20,000 model ids, each with a control character: one problem per id
        List<String> modelIds = IntStream.range(0, 20_000).mapToObj(i -> "m\u0001" + i).toList();
        send(samples("r-bad", "m1", "s1").setModelIds(modelIds).build());

        // When a valid request follows and its batch closes
        send(samples("r-ok", "m1", "s1").build());
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the bad request has one REJECTED status whose reason is short and counts what it leaves out
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(List.of("r-bad", "r-ok"), all.stream().map(RequestStatus::getRequestId).toList());
        RequestStatus rejected = all.get(0);
        assertEquals(RequestState.REJECTED, rejected.getState());
        String reason = rejected.getReason();
        assertTrue(reason.length() <= Statuses.MAX_REASON_CHARS, reason.length() + " chars");
        assertTrue(reason.startsWith("rejected: model id 'm\u00010' contains a control character;"), reason);
        assertTrue(reason.matches("(?s).*; … and 1[0-9],[0-9]{3} more problems\\. Fix the request and send it again\\."),
                reason);
        // and the valid request is batched
        assertEquals(RequestState.BATCHED, all.get(1).getState());
        assertEquals(List.of("r-ok"), batches.readValuesToList().get(0).getRequests().stream()
                .map(BatchedRequest::getRequestId).toList());
    }
}
