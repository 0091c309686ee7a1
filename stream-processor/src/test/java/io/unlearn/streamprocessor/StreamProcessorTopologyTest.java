package io.unlearn.streamprocessor;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.serde.WireFormat;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.streamprocessor.catalog.ManifestModelCatalog;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.unlearn.streamprocessor.TestRequests.classLabel;
import static io.unlearn.streamprocessor.TestRequests.manifest;
import static io.unlearn.streamprocessor.TestRequests.pair;
import static io.unlearn.streamprocessor.TestRequests.pairs;
import static io.unlearn.streamprocessor.TestRequests.samples;
import static io.unlearn.streamprocessor.TestRequests.subject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole topology under {@link TopologyTestDriver}, built by {@link StreamProcessorTopology#build} exactly as
 * the app builds it. Limits are small so each trigger is reached with a few records: 3 requests, 10 samples,
 * 1 s max wait checked every 100 ms, request ids remembered for 1 day, at most 5 ids of at most 16 bytes.
 */
class StreamProcessorTopologyTest {

    private static final Instant START = Instant.parse("2026-03-01T12:00:00Z");

    @TempDir
    Path stateDir;

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private TopologyTestDriver driver;
    private TestInputTopic<String, DeletionRequest> requests;
    private TestInputTopic<byte[], byte[]> rawRequests;
    private TestInputTopic<String, ManifestEntry> manifestTopic;
    private TestInputTopic<String, ModelEntry> modelsTopic;
    private TestOutputTopic<String, RequestStatus> statuses;
    private TestOutputTopic<String, UnlearningBatch> batches;
    private TestOutputTopic<byte[], byte[]> deadLetters;

    @BeforeEach
    void startDriver() {
        startDriver(Map.of());
    }

    /** Starts the driver on the settings above, with {@code overrides} replacing or adding some. */
    private void startDriver(Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put(StreamProcessorConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamProcessorConfig.KNOWN_MODELS_CONFIG, "m1,m2");
        props.put(StreamProcessorConfig.BATCH_MAX_REQUESTS_CONFIG, 3);
        props.put(StreamProcessorConfig.BATCH_MAX_SAMPLES_CONFIG, 10);
        props.put(StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, 1000);
        props.put(StreamProcessorConfig.BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, 100);
        props.put(StreamProcessorConfig.DEDUP_RETENTION_MS_CONFIG, Duration.ofDays(1).toMillis());
        props.put(StreamProcessorConfig.DEDUP_PURGE_INTERVAL_MS_CONFIG, Duration.ofHours(1).toMillis());
        props.put(StreamProcessorConfig.REQUEST_MAX_IDS_CONFIG, 5);
        props.put(StreamProcessorConfig.REQUEST_MAX_ID_BYTES_CONFIG, 16);
        props.put(StreamProcessorConfig.SUBJECT_WAIT_MS_CONFIG, Duration.ofMinutes(1).toMillis());
        props.put(StreamProcessorConfig.SUBJECT_WAIT_CHECK_INTERVAL_MS_CONFIG, 1000);
        props.putAll(overrides);
        StreamProcessorConfig cfg = StreamProcessorConfig.from(props);
        Properties streamsProps = cfg.streamsProperties();

        driver = new TopologyTestDriver(StreamProcessorTopology.build(cfg, registry,
                new ManifestModelCatalog(cfg.knownModels()), new StreamProcessorMetrics(meters)), streamsProps, START);

        AvroSerde<DeletionRequest> requestSerde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        requests = driver.createInputTopic(cfg.deletionRequestsTopic(), new StringSerializer(), requestSerde.serializer());
        rawRequests = driver.createInputTopic(cfg.deletionRequestsTopic(), new ByteArraySerializer(), new ByteArraySerializer());
        manifestTopic = driver.createInputTopic(cfg.trainingManifestTopic(), new StringSerializer(),
                AvroSerde.forTopic(Topics.TRAINING_MANIFEST, registry).serializer());
        modelsTopic = driver.createInputTopic(cfg.modelsTopic(), new StringSerializer(),
                AvroSerde.forTopic(Topics.MODELS, registry).serializer());
        statuses = driver.createOutputTopic(cfg.requestStatusTopic(), new StringDeserializer(),
                AvroSerde.forTopic(Topics.REQUEST_STATUS, registry).deserializer());
        batches = driver.createOutputTopic(cfg.batchesTopic(), new StringDeserializer(),
                AvroSerde.forTopic(Topics.BATCHES, registry).deserializer());
        deadLetters = driver.createOutputTopic(cfg.deadLetterTopic(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void closeDriver() {
        driver.close();
    }

    private void send(DeletionRequest.Builder request) {
        DeletionRequest built = request.build();
        requests.pipeInput(built.getRequestId(), built);
    }

    private RequestStatus onlyStatus() {
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(1, all.size(), "statuses: " + all);
        return all.get(0);
    }

    // --- bad bytes ---------------------------------------------------------------------------------------------

    @Test
    void shouldSendUndecodableBytesToDeadLetterWithErrorHeadersAndKeepProcessing() {
        // Given a JSON value, a wire-format value with an unknown schema id and a truncated value
        byte[] json = "{\"requestId\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
        byte[] unknownId = WireFormat.frame(999, new byte[] {2, 'x'});
        byte[] truncated = {0, 0};
        byte[] valid = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry)
                .serialize(Topics.DELETION_REQUESTS.name(), samples("r-cut", "m1", "s1").build());
        byte[] cutBody = java.util.Arrays.copyOf(valid, valid.length - 4);
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "t-1".getBytes(StandardCharsets.UTF_8));

        // When they arrive, followed by a valid request
        rawRequests.pipeInput(new TestRecord<>("k-json".getBytes(StandardCharsets.UTF_8), json, original));
        rawRequests.pipeInput("k-id".getBytes(StandardCharsets.UTF_8), unknownId);
        rawRequests.pipeInput(null, truncated);
        rawRequests.pipeInput("r-cut".getBytes(StandardCharsets.UTF_8), cutBody);
        send(samples("r-ok", "m1", "s1", "s2", "s3", "s4", "s5"));
        send(samples("r-ok2", "m1", "s6", "s7", "s8", "s9", "s10"));

        // Then each bad record is in the dead-letter topic, untouched, with headers naming the error and source
        List<TestRecord<byte[], byte[]>> dead = deadLetters.readRecordsToList();
        assertEquals(4, dead.size());
        assertArrayEquals("k-json".getBytes(StandardCharsets.UTF_8), dead.get(0).key());
        assertArrayEquals(json, dead.get(0).value());
        assertEquals("t-1", header(dead.get(0), "trace-id"));
        assertEquals(InvalidMagicByteException.class.getName(), header(dead.get(0), DeadLetterHeaders.EXCEPTION_CLASS));
        assertTrue(header(dead.get(0), DeadLetterHeaders.EXCEPTION_MESSAGE).contains("0x7b"), header(dead.get(0), DeadLetterHeaders.EXCEPTION_MESSAGE));
        assertEquals(Topics.DELETION_REQUESTS.name(), header(dead.get(0), DeadLetterHeaders.TOPIC));
        assertEquals("0", header(dead.get(0), DeadLetterHeaders.PARTITION));
        assertEquals("0", header(dead.get(0), DeadLetterHeaders.OFFSET));
        assertTrue(header(dead.get(0), DeadLetterHeaders.EXCEPTION_STACKTRACE).contains("DecodeProcessor"));
        assertEquals(UnknownSchemaIdException.class.getName(), header(dead.get(1), DeadLetterHeaders.EXCEPTION_CLASS));
        assertEquals("1", header(dead.get(1), DeadLetterHeaders.OFFSET));
        assertNull(dead.get(2).key());
        assertEquals(TruncatedPayloadException.class.getName(), header(dead.get(2), DeadLetterHeaders.EXCEPTION_CLASS));
        assertArrayEquals(cutBody, dead.get(3).value());
        assertEquals(TruncatedPayloadException.class.getName(), header(dead.get(3), DeadLetterHeaders.EXCEPTION_CLASS));
        // and the stream went on: the valid requests were batched
        assertEquals(List.of("r-ok", "r-ok2"), batches.readValuesToList().get(0).getRequests().stream()
                .map(BatchedRequest::getRequestId).toList());
        assertEquals(4.0, meters.get("unlearn.streamprocessor.dead.letter.records").counter().count());
    }

    private static String header(TestRecord<byte[], byte[]> record, String key) {
        Header header = record.headers().lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    // --- validation --------------------------------------------------------------------------------------------

    static Stream<Arguments> invalidRequests() {
        String longId = "x".repeat(17);
        return Stream.of(
                Arguments.of("samples without sample ids", samples("r", "m1"), "scope SAMPLES needs at least one sample id"),
                Arguments.of("subject without subject id", subject("r", null), "scope SUBJECT needs subjectId"),
                Arguments.of("class without label", classLabel("r", "m1", 0).setClassLabel(null), "scope CLASS needs classLabel"),
                Arguments.of("negative class label", classLabel("r", "m1", -1), "classLabel -1 is negative"),
                Arguments.of("pairs without pairs", pairs("r", "m1"), "scope PAIRS needs at least one pair"),
                Arguments.of("samples without models", samples("r", "m1", "s1").setModelIds(List.of()),
                        "scope SAMPLES needs modelIds"),
                Arguments.of("too many sample ids", samples("r", "m1", "a", "b", "c", "d", "e", "f"),
                        "sampleIds has 6 entries, more than the limit of 5"),
                Arguments.of("too many pairs", pairs("r", "m1", pair("a", "b"), pair("a", "c"), pair("a", "d"),
                        pair("a", "e"), pair("a", "f"), pair("a", "g")), "pairs has 6 entries, more than the limit of 5"),
                Arguments.of("empty sample id", samples("r", "m1", "s1", ""), "sampleIds contains an empty id"),
                Arguments.of("over-long sample id", samples("r", "m1", longId), "is 17 bytes long, more than the limit of 16"),
                Arguments.of("over-long subject id", subject("r", longId), "subjectId id"),
                Arguments.of("unknown model", samples("r", "m-unknown", "s1"),
                        "model id 'm-unknown' is not known to the model registry"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void shouldRejectInvalidRequestWithReadableReason(String name, DeletionRequest.Builder request, String expected) {
        // When
        send(request);

        // Then
        RequestStatus status = onlyStatus();
        assertEquals(RequestState.REJECTED, status.getState());
        assertEquals("r", status.getRequestId());
        assertEquals("stream-processor", status.getStage());
        assertTrue(status.getReason().contains(expected), status.getReason());
        assertTrue(batches.isEmpty());
    }

    @Test
    void shouldRejectAScopeTheModelsFamilyCannotServeAloneWhileTheOtherRequestsAreBatched() {
        // Given m1 registered as a classifier (the models topic says so), which serves no image-caption pairs
        modelsTopic.pipeInput("m1", new ModelEntry("m1", "classifier", START));

        // When a PAIRS request for it arrives between two valid requests
        send(samples("r-1", "m1", "s1"));
        send(pairs("r-pairs", "m1", pair("img-1", "cap-1")));
        send(samples("r-2", "m1", "s2"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then that request alone is REJECTED, naming the family and what it serves; the others are batched
        List<RequestStatus> all = statuses.readValuesToList();
        RequestStatus rejected = all.stream().filter(st -> st.getRequestId().equals("r-pairs")).findFirst().orElseThrow();
        assertEquals(RequestState.REJECTED, rejected.getState());
        assertTrue(rejected.getReason().contains("model 'm1' is a classifier model, which cannot unlearn PAIRS requests;"
                + " it serves [SAMPLES, SUBJECT, CLASS]"), rejected.getReason());
        assertEquals(List.of("r-1", "r-2"), batches.readValuesToList().get(0).getRequests().stream()
                .map(BatchedRequest::getRequestId).toList());
    }

    @Test
    void shouldRejectASubjectRequestForAModelWhoseManifestLacksTheSubject() {
        // Given subject u-1 trained m1 only
        manifestTopic.pipeInput("u-1", new ManifestEntry("u-1",
                List.of(new ModelSamples("m1", "base", List.of("s1", "s2"))), START));

        // When one request names m2 for u-1 and another names m1
        send(subject("r-m2", "u-1").setModelIds(List.of("m2")));
        send(subject("r-m1", "u-1").setModelIds(List.of("m1")));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the first is REJECTED (it would forget nothing) and the second is batched with the subject's samples
        List<RequestStatus> all = statuses.readValuesToList();
        RequestStatus rejected = all.stream().filter(st -> st.getRequestId().equals("r-m2")).findFirst().orElseThrow();
        assertEquals(RequestState.REJECTED, rejected.getState());
        assertTrue(rejected.getReason().contains("lists no sample of subject 'u-1' for model 'm2'"), rejected.getReason());
        UnlearningBatch batch = batches.readValuesToList().get(0);
        assertEquals("m1", batch.getModelId());
        assertEquals(List.of("s1", "s2"), batch.getSampleIds());
    }

    @Test
    void shouldNameAFewUnknownModelsAndCountTheRestInsteadOfListingThemAll() {
        send(samples("r", "m1", "s1").setModelIds(List.of("x1", "x2", "x3", "x4", "x5")));

        String reason = onlyStatus().getReason();
        assertTrue(reason.contains("5 model ids ('x1', 'x2', 'x3' and 2 more) are not known"), reason);
    }

    @Test
    void shouldRejectDeletionRequestWhoseKeyDiffersFromRequestId() {
        DeletionRequest request = samples("r-1", "m1", "s1").build();

        requests.pipeInput("other-key", request);

        RequestStatus status = onlyStatus();
        assertEquals(RequestState.REJECTED, status.getState());
        assertTrue(status.getReason().contains("record key 'other-key' differs from requestId 'r-1'"), status.getReason());
    }

    @Test
    void shouldListEveryProblemOfARequestInOneReason() {
        send(samples("r", "m-unknown", "", "x".repeat(17)));

        String reason = onlyStatus().getReason();
        assertTrue(reason.contains("empty id") && reason.contains("17 bytes") && reason.contains("m-unknown"), reason);
    }

    @Test
    void shouldAcceptRequestWhoseDeadlineHasPassedAndFlagIt() {
        // Given a deadline one hour before the (mocked) wall clock
        send(samples("r-late", "m1", "s1").setDeadline(START.minus(Duration.ofHours(1))));

        // When the batch closes
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the request is batched, flagged
        RequestStatus status = onlyStatus();
        assertEquals(RequestState.BATCHED, status.getState());
        assertEquals(List.of("DEADLINE_PASSED"), status.getFlags());
    }

    @Test
    void shouldGiveARequestWithoutADeadlineRequestedAtPlusTheDefaultPeriodOnEveryStatusAndInItsBatch() {
        // Given a request without a deadline, and one naming an unknown model
        send(samples("r-1", "m1", "s1"));
        send(samples("r-bad", "m-unknown", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then both statuses carry requestedAt + 30 days (the default), and so does the batched request
        Instant due = TestRequests.REQUESTED_AT.plus(Duration.ofDays(30));
        Map<String, RequestStatus> byId = statuses.readValuesToList().stream()
                .collect(Collectors.toMap(RequestStatus::getRequestId, s -> s));
        assertEquals(RequestState.REJECTED, byId.get("r-bad").getState());
        assertEquals(due, byId.get("r-bad").getDeadline());
        assertEquals(RequestState.BATCHED, byId.get("r-1").getState());
        assertEquals(due, byId.get("r-1").getDeadline());
        assertEquals(List.of(), byId.get("r-1").getFlags(), "not due yet");
        assertEquals(due, batches.readValuesToList().get(0).getRequests().get(0).getDeadline());
    }

    @Test
    void shouldFlagARequestWhoseDefaultDeadlineHasPassed() {
        // Given a request without a deadline, issued 31 days before the wall clock
        send(samples("r-old", "m1", "s1").setRequestedAt(START.minus(Duration.ofDays(31))));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then it is batched, flagged: its one month is over
        RequestStatus status = onlyStatus();
        assertEquals(START.minus(Duration.ofDays(1)), status.getDeadline());
        assertEquals(List.of("DEADLINE_PASSED"), status.getFlags());
    }

    @Test
    void shouldCloseTheBatchOfARequestDueWithinTheMarginBeforeMaxWaitWhileOthersWait() {
        // Given batches that wait an hour, and a margin of one day before a deadline
        driver.close();
        startDriver(Map.of(StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, Duration.ofHours(1).toMillis(),
                StreamProcessorConfig.BATCH_DEADLINE_MARGIN_MS_CONFIG, Duration.ofDays(1).toMillis()));
        // and a request for m1 due in 10 days, one for m2 due in a day and 30 minutes
        send(samples("r-calm", "m1", "s1").setDeadline(START.plus(Duration.ofDays(10))));
        send(samples("r-soon", "m2", "s2").setDeadline(START.plus(Duration.ofDays(1)).plus(Duration.ofMinutes(30))));

        // When the wall clock nears the point where r-soon is due within the margin, nothing closes
        driver.advanceWallClockTime(Duration.ofMinutes(29));
        assertTrue(batches.isEmpty());
        // and once it is reached, m2's batch closes by DEADLINE (next check), long before max.wait; m1's waits
        driver.advanceWallClockTime(Duration.ofMinutes(1));
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(List.of("m2"), closed.stream().map(UnlearningBatch::getModelId).toList());
        assertEquals(BatchTrigger.DEADLINE, closed.get(0).getTrigger());
        assertEquals(1, meters.get("unlearn.streamprocessor.batch.requests").tag("trigger", "DEADLINE").summary()
                .count());

        // When a request already due within the margin arrives for m1, m1's batch closes at once, r-calm with it
        send(samples("r-now", "m1", "s3").setDeadline(START.plus(Duration.ofHours(2))));
        driver.advanceWallClockTime(Duration.ofMillis(100));
        closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals(BatchTrigger.DEADLINE, closed.get(0).getTrigger());
        assertEquals(List.of("r-calm", "r-now"), closed.get(0).getRequests().stream()
                .map(BatchedRequest::getRequestId).toList());
    }

    // --- de-duplication ----------------------------------------------------------------------------------------

    @Test
    void shouldMarkResentRequestAsDuplicateOfFirstAndBatchItOnce() {
        // Given a request, When it is sent twice
        send(samples("r-1", "m1", "s1"));
        send(samples("r-1", "m1", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the copy is DUPLICATE_OF the first occurrence and the batch holds the request once
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(List.of(RequestState.DUPLICATE_OF, RequestState.BATCHED),
                all.stream().map(RequestStatus::getState).toList());
        assertEquals(Topics.DELETION_REQUESTS.name() + "-0@0", all.get(0).getDuplicateOf());
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals(1, closed.get(0).getRequests().size());
    }

    @Test
    void shouldTreatRequestIdAsNewOnceItsRetentionHasPassed() {
        send(samples("r-1", "m1", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        statuses.readValuesToList();

        // When the retention (1 day) passes and the purge punctuator runs, then the id comes again
        driver.advanceWallClockTime(Duration.ofDays(1).plusHours(1));
        send(samples("r-1", "m1", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then it is batched again, not a duplicate
        assertEquals(RequestState.BATCHED, onlyStatus().getState());
        assertEquals(2, batches.readValuesToList().size());
    }

    @Test
    void shouldProcessCorrectedRequestAfterRejectingItsFirstVersion() {
        send(samples("r-1", "m-typo", "s1"));
        send(samples("r-1", "m1", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertEquals(List.of(RequestState.REJECTED, RequestState.BATCHED),
                statuses.readValuesToList().stream().map(RequestStatus::getState).toList());
    }

    // --- resolution to models ----------------------------------------------------------------------------------

    @Test
    void shouldFanSubjectRequestOutToEveryModelTheManifestLists() {
        // Given subject u1 trained m1 (s1, s2) and m3 (s3); m3 is known only from the manifest
        manifestTopic.pipeInput("u1", manifest("u1", "m1", "s1,s2", "m3", "s3"));

        // When u1 is to be forgotten and the batches close
        send(subject("r-u1", "u1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then each model gets a batch with the samples it trained on, and the request is BATCHED per model
        Map<String, UnlearningBatch> byModel = batches.readValuesToList().stream()
                .collect(Collectors.toMap(UnlearningBatch::getModelId, b -> b));
        assertEquals(List.of("s1", "s2"), byModel.get("m1").getSampleIds());
        assertEquals(List.of("s3"), byModel.get("m3").getSampleIds());
        assertEquals("u1", byModel.get("m3").getRequests().get(0).getSubjectId());
        Map<String, String> batchByModel = statuses.readValuesToList().stream()
                .peek(s -> assertEquals(RequestState.BATCHED, s.getState()))
                .collect(Collectors.toMap(RequestStatus::getModelId, RequestStatus::getBatchId));
        assertEquals(Map.of("m1", "m1-0000000001", "m3", "m3-0000000001"), batchByModel);
    }

    @Test
    void shouldLetExplicitModelIdsWinOverTheManifest() {
        manifestTopic.pipeInput("u1", manifest("u1", "m1", "s1", "m2", "s2"));

        send(subject("r-u1", "u1").setModelIds(List.of("m2")));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals("m2", closed.get(0).getModelId());
        assertEquals(List.of("s2"), closed.get(0).getSampleIds());
    }

    @Test
    void shouldAnswerNoModelsAffectedOnceASubjectNoModelTrainedOnWasWaitedFor() {
        // When a subject no manifest lists is asked for, then the request waits, saying so
        send(subject("r-u9", "u9"));
        RequestStatus waiting = onlyStatus();
        assertEquals(RequestState.RECEIVED, waiting.getState());
        assertTrue(waiting.getReason().contains("waiting up to 60 s"), waiting.getReason());

        // and a copy sent meanwhile is a duplicate of it
        send(subject("r-u9", "u9"));
        assertEquals(RequestState.DUPLICATE_OF, onlyStatus().getState());

        // and once subject.wait.ms has passed without an entry, it affects no model
        driver.advanceWallClockTime(Duration.ofSeconds(59));
        assertTrue(statuses.isEmpty(), "still waiting");
        driver.advanceWallClockTime(Duration.ofSeconds(2));
        RequestStatus status = onlyStatus();
        assertEquals(RequestState.NO_MODELS_AFFECTED, status.getState());
        assertTrue(status.getReason().contains("request is satisfied"), status.getReason());
        assertTrue(batches.isEmpty());
    }

    @Test
    void shouldBatchASubjectRequestThatOvertookItsSubjectsManifestEntry() {
        // Given a request for u9 that arrives before the manifest entry of the model trained on u9
        send(subject("r-early", "u9"));
        assertEquals(RequestState.RECEIVED, onlyStatus().getState());

        // When the entry arrives within subject.wait.ms
        manifestTopic.pipeInput("u9", manifest("u9", "m7", "s70,s71"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(1));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the request is batched for that model with the subject's samples, as if it had come just now
        RequestStatus batched = onlyStatus();
        assertEquals(RequestState.BATCHED, batched.getState());
        assertEquals("m7", batched.getModelId());
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals(List.of("s70", "s71"), closed.get(0).getSampleIds());
    }

    @Test
    void shouldResolveLaterRequestsAgainstManifestUpdatesThatArriveAfterAnEarlierRequest() {
        // Given no waiting for subjects, and a request for u9 before any manifest entry for u9
        driver.close();
        startDriver(Map.of(StreamProcessorConfig.SUBJECT_WAIT_MS_CONFIG, 0L));
        send(subject("r-1", "u9"));
        assertEquals(RequestState.NO_MODELS_AFFECTED, onlyStatus().getState());

        // When the manifest learns that m7 trained on u9, and u9 asks again
        manifestTopic.pipeInput("u9", manifest("u9", "m7", "s70"));
        send(subject("r-2", "u9"));
        send(samples("r-3", "m7", "s71"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // Then the new request reaches m7, and m7 is now a known model for explicit requests too
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals("m7", closed.get(0).getModelId());
        assertEquals(List.of("s70", "s71"), closed.get(0).getSampleIds());

        // And when the subject's entry is deleted (tombstone), a new request affects no model
        manifestTopic.pipeInput("u9", (ManifestEntry) null);
        statuses.readValuesToList();
        send(subject("r-4", "u9"));
        assertEquals(RequestState.NO_MODELS_AFFECTED, onlyStatus().getState());
    }

    // --- batching ----------------------------------------------------------------------------------------------

    @Test
    void shouldCloseBatchAtMaxRequestsWithDeterministicIdAndUnions() {
        // When three requests for m1 arrive (max.requests = 3): samples, pairs and a class
        send(samples("r-1", "m1", "s2", "s1"));
        send(pairs("r-2", "m1", pair("i1", "c1"), pair("i2", "c2")).setSampleIds(List.of("s1", "s3")));
        assertTrue(batches.isEmpty());
        send(classLabel("r-3", "m1", 4));

        // Then one batch closes by MAX_REQUESTS, holding the requests in order and the de-duplicated unions
        UnlearningBatch batch = batches.readValuesToList().get(0);
        assertEquals("m1-0000000001", batch.getBatchId());
        assertEquals(1L, batch.getSequence());
        assertEquals(BatchTrigger.MAX_REQUESTS, batch.getTrigger());
        assertEquals(List.of("r-1", "r-2", "r-3"), batch.getRequests().stream().map(BatchedRequest::getRequestId).toList());
        assertEquals(List.of("s1", "s2", "s3"), batch.getSampleIds());
        assertEquals(List.of(pair("i1", "c1"), pair("i2", "c2")), batch.getPairs());
        assertEquals(List.of(4), batch.getClassLabels());
        assertEquals(START, batch.getCreatedAt());
        // and each request is BATCHED with the batch id
        List<RequestStatus> all = statuses.readValuesToList();
        assertEquals(3, all.size());
        all.forEach(s -> assertEquals("m1-0000000001", s.getBatchId()));
        all.forEach(s -> assertEquals("m1", s.getModelId()));
    }

    @Test
    void shouldCloseBatchAtMaxSamples() {
        send(samples("r-1", "m1", "a1", "a2", "a3", "a4", "a5"));
        send(samples("r-2", "m2", "b1"));
        assertTrue(batches.isEmpty());
        send(samples("r-3", "m1", "a5", "a6", "a7", "a8", "a9"));

        // Then m1's batch closes by MAX_SAMPLES (10 ids counting the repeated a5; 9 distinct), m2's stays pending
        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(1, closed.size());
        assertEquals("m1", closed.get(0).getModelId());
        assertEquals(BatchTrigger.MAX_SAMPLES, closed.get(0).getTrigger());
        assertEquals(9, closed.get(0).getSampleIds().size());
    }

    @Test
    void shouldCloseBatchWhenOldestRequestHasWaitedMaxWaitOnTheWallClock() {
        // Given one request; stream time jumping far ahead does not close it
        send(samples("r-1", "m1", "s1"));
        DeletionRequest later = samples("r-2", "m2", "s2").build();
        requests.pipeInput("r-2", later, START.plus(Duration.ofDays(30)));
        assertTrue(batches.isEmpty());

        // When the wall clock reaches just under max.wait nothing closes, at max.wait the batches close
        driver.advanceWallClockTime(Duration.ofMillis(900));
        assertTrue(batches.isEmpty());
        driver.advanceWallClockTime(Duration.ofMillis(100));

        List<UnlearningBatch> closed = batches.readValuesToList();
        assertEquals(2, closed.size());
        closed.forEach(b -> assertEquals(BatchTrigger.MAX_WAIT, b.getTrigger()));
        assertEquals(START.plusSeconds(1), closed.get(0).getCreatedAt());
    }

    @Test
    void shouldContinueTheSequenceOfAModelAcrossBatches() {
        IntStream.rangeClosed(1, 7).forEach(i -> send(samples("r-" + i, "m1", "s" + i)));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        assertEquals(List.of("m1-0000000001", "m1-0000000002", "m1-0000000003"),
                batches.readValuesToList().stream().map(UnlearningBatch::getBatchId).toList());
    }

    // --- metrics -----------------------------------------------------------------------------------------------

    @Test
    void shouldCountStatusesPerStateAndBatchSizesPerTriggerUnderTheDashboardsNames() {
        send(samples("r-1", "m1", "s1"));
        send(samples("r-1", "m1", "s1"));
        send(samples("r-2", "m-unknown", "s1"));
        driver.advanceWallClockTime(Duration.ofSeconds(1));

        // get(...) fails on a missing name, where counter(...) would quietly create it
        assertEquals(1.0, meters.get("unlearn.streamprocessor.request.statuses").tag("state", "BATCHED").counter()
                .count());
        assertEquals(1.0, meters.get("unlearn.streamprocessor.request.statuses").tag("state", "DUPLICATE_OF")
                .counter().count());
        assertEquals(1.0, meters.get("unlearn.streamprocessor.request.statuses").tag("state", "REJECTED").counter()
                .count());
        assertEquals(1, meters.get("unlearn.streamprocessor.batch.requests").tag("trigger", "MAX_WAIT").summary()
                .count());
        assertEquals(1.0, meters.get("unlearn.streamprocessor.batch.requests").tag("trigger", "MAX_WAIT").summary()
                .totalAmount());
        assertEquals(1.0, meters.get("unlearn.streamprocessor.batch.samples").tag("trigger", "MAX_WAIT").summary()
                .totalAmount());
        assertEquals(1, meters.get("unlearn.streamprocessor.batch.wait").tag("trigger", "MAX_WAIT").timer().count());
        assertEquals(0.0, meters.get("unlearn.streamprocessor.dead.letter.records").counter().count());
        assertEquals(0.0, meters.get("unlearn.streamprocessor.manifest.entries.skipped").counter().count());
        assertEquals(0.0, meters.get("unlearn.streamprocessor.model.entries.skipped").counter().count());
        meters.getMeters().forEach(m -> assertTrue(m.getId().getName().startsWith("unlearn.streamprocessor."),
                m.getId().getName()));
    }
}
