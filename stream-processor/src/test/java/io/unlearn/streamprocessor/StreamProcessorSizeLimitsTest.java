package io.unlearn.streamprocessor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.catalog.ManifestModelCatalog;
import io.unlearn.streamprocessor.domain.Statuses;
import io.unlearn.streamprocessor.errors.RequestTooLargeException;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.unlearn.streamprocessor.TestRequests.samples;
import static io.unlearn.streamprocessor.TestRequests.subject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
    private TestInputTopic<String, ManifestEntry> manifestTopic;
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
        manifestTopic = driver.createInputTopic(cfg.trainingManifestTopic(), new StringSerializer(),
                AvroSerde.forTopic(Topics.TRAINING_MANIFEST, registry).serializer());
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

    private static List<String> ids(String prefix, int count, int length) {
        return IntStream.range(0, count).mapToObj(i -> {
            String id = prefix + i;
            return id + "x".repeat(Math.max(0, length - id.length()));
        }).toList();
    }

    @Test
    void shouldRejectARequestLargerThanRequestMaxBytesWithoutDecodingItAndBatchTheNextRequest() {
        // Given a request of 30,000 sample ids (about 330 KB; request.max.bytes is 256 KiB), keyed by its id
        byte[] huge = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).serialize(cfg.deletionRequestsTopic(),
                samples("r-huge", "m1").setSampleIds(ids("s", 30_000, 10)).build());
        assertTrue(huge.length > cfg.requestMaxBytes(), huge.length + " bytes");

        // When it arrives, then the same bytes without a key, then a valid request
        rawRequests.pipeInput("r-huge".getBytes(StandardCharsets.UTF_8), huge);
        rawRequests.pipeInput(null, huge);
        send(samples("r-ok", "m1", "s1").build());
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the keyed one is REJECTED naming its size and the limit, the keyless one is a dead letter
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(List.of("r-huge", "r-ok"), all.stream().map(RequestStatus::getRequestId).toList());
        assertEquals(RequestState.REJECTED, all.get(0).getState());
        assertTrue(all.get(0).getReason().contains(String.format(java.util.Locale.ROOT, "is %,d bytes", huge.length + 6))
                && all.get(0).getReason().contains("more than the limit of 262,144 (request.max.bytes), so it was not "
                + "decoded; split it into requests of fewer ids"), all.get(0).getReason());
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(1, dead.size());
        assertArrayEquals(huge, dead.get(0).value());
        assertEquals(RequestTooLargeException.class.getName(),
                DeadLetterHeaders.text(dead.get(0).headers(), DeadLetterHeaders.EXCEPTION_CLASS));
        // and the valid request is batched
        assertEquals(RequestState.BATCHED, all.get(1).getState());
        assertEquals(1, batches.readValuesToList().size());
    }

    @Test
    void shouldCloseABatchBeforeItsBytesPassBatchMaxBytesSoEveryBatchFitsARecord() {
        // Given three requests for m1, each of 780 ids of 250 bytes (about 195 KB; batch.max.bytes is 480 KiB)
        for (int r = 0; r < 3; r++) {
            send(samples("r-" + r, "m1").setSampleIds(ids("r" + r + "-s", 780, 250)).build());
        }

        // When the requests reach their batch (bundle.interval.ms passes) and then the wait passes
        driver.advanceWallClockTime(Duration.ofMillis(100));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the first batch closed before the third request, and each batch record fits max.request.size
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(List.of(2, 1), closed.stream().map(b -> b.getRequests().size()).toList());
        assertEquals(BatchTrigger.MAX_SAMPLES, closed.get(0).getTrigger());
        AvroSerde<UnlearningBatch> batchSerde = AvroSerde.forTopic(Topics.BATCHES, registry);
        for (UnlearningBatch batch : closed) {
            int size = batchSerde.serialize(cfg.batchesTopic(), batch).length;
            assertTrue(size <= cfg.maxBatchRecordBytes() && size <= cfg.producerMaxRequestSize(), size + " bytes");
        }
        assertEquals(3, statuses.readValuesToList().stream().filter(st -> st.getState() == RequestState.BATCHED).count());
    }

    @Test
    void shouldRejectASubjectRequestWhoseManifestSamplesCouldNotFitABatch() {
        // Given subject u1 with 30,000 samples of 20 bytes for m1 in the manifest (about 630 KB)
        manifestTopic.pipeInput("u1", new ManifestEntry("u1",
                List.of(new ModelSamples("m1", "m1-v1", ids("u1-s", 30_000, 20))), START));

        // When u1 is to be forgotten, then a valid request follows
        send(subject("r-u1", "u1").build());
        send(samples("r-ok", "m1", "s1").build());
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the subject request is REJECTED with what to do; the other is batched
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(RequestState.REJECTED, all.get(0).getState());
        String reason = all.get(0).getReason();
        assertTrue(reason.contains("for model 'm1' the request encodes to") && reason.contains("30,000 sample ids")
                && reason.contains("raise batch.max.bytes together with producer.max.request.size"), reason);
        assertEquals(RequestState.BATCHED, all.get(1).getState());
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
