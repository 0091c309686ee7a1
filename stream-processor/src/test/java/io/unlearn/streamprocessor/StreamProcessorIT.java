package io.unlearn.streamprocessor;

import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The stream-processor against a real KRaft broker and a real Apicurio registry (local-stack's {@link SharedStack}):
 * 10,000 requests over 20 models, once undisturbed and once with the service killed (SIGKILL, no flush, no commit)
 * in the middle of the stream and restarted. Each test uses its own topics and application id.
 */
class StreamProcessorIT {

    private static final int REQUESTS = 10_000;
    private static final int PARTITIONS = 3;

    private static SharedStack stack;
    private static SchemaRegistryClient registry;

    @TempDir
    Path stateDir;

    @BeforeAll
    static void startStack() {
        stack = SharedStack.get();
        registry = new RestSchemaRegistryClient(stack.registryUrl());
    }

    @AfterAll
    static void closeRegistryClient() {
        registry.close();
    }

    /** Settings of one test run: its own topics and application id on the shared stack. */
    private Map<String, String> settings(String run) {
        Map<String, String> props = new HashMap<>();
        props.put(StreamProcessorConfig.APPLICATION_ID_CONFIG, "sp-it-" + run);
        props.put(StreamProcessorConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamProcessorConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        props.put(StreamProcessorConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamProcessorConfig.DELETION_REQUESTS_TOPIC_CONFIG, "it." + run + ".deletion-requests");
        props.put(StreamProcessorConfig.TRAINING_MANIFEST_TOPIC_CONFIG, "it." + run + ".training-manifest");
        props.put(StreamProcessorConfig.MODELS_TOPIC_CONFIG, "it." + run + ".models");
        props.put(StreamProcessorConfig.BATCHES_TOPIC_CONFIG, "it." + run + ".batches");
        props.put(StreamProcessorConfig.REQUEST_STATUS_TOPIC_CONFIG, "it." + run + ".request-status");
        props.put(StreamProcessorConfig.DEAD_LETTER_TOPIC_CONFIG, "it." + run + ".dead-letter");
        props.put(StreamProcessorConfig.KNOWN_MODELS_CONFIG, RequestStreamScenario.KNOWN_MODELS);
        props.put(StreamProcessorConfig.BATCH_MAX_REQUESTS_CONFIG, "50");
        props.put(StreamProcessorConfig.BATCH_MAX_SAMPLES_CONFIG, "120");
        props.put(StreamProcessorConfig.BATCH_MAX_WAIT_MS_CONFIG, "1000");
        props.put(StreamProcessorConfig.BATCH_WAIT_CHECK_INTERVAL_MS_CONFIG, "100");
        props.put(StreamProcessorConfig.HTTP_PORT_CONFIG, "0");
        props.put(StreamProcessorConfig.SHUTDOWN_TIMEOUT_MS_CONFIG, "20000");
        // the scenario's unknown subjects end NO_MODELS_AFFECTED after a short wait (the wait itself: topology test)
        props.put(StreamProcessorConfig.SUBJECT_WAIT_MS_CONFIG, "2000");
        props.put(StreamProcessorConfig.SUBJECT_WAIT_CHECK_INTERVAL_MS_CONFIG, "500");
        stack.createTopics(PARTITIONS, props.get(StreamProcessorConfig.DELETION_REQUESTS_TOPIC_CONFIG),
                props.get(StreamProcessorConfig.TRAINING_MANIFEST_TOPIC_CONFIG),
                props.get(StreamProcessorConfig.MODELS_TOPIC_CONFIG),
                props.get(StreamProcessorConfig.BATCHES_TOPIC_CONFIG),
                props.get(StreamProcessorConfig.REQUEST_STATUS_TOPIC_CONFIG));
        stack.createTopics(1, props.get(StreamProcessorConfig.DEAD_LETTER_TOPIC_CONFIG));
        return props;
    }

    private static String run() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    @Test
    void shouldGiveEveryRequestExactlyOneTerminalStatusAndPutEachBatchedOneInExactlyOneBatch() throws Exception {
        // Given the manifest and 10,000 requests on the broker
        Map<String, String> props = settings(run());
        StreamProcessorConfig cfg = StreamProcessorConfig.from(props);
        RequestStreamScenario scenario = new RequestStreamScenario(REQUESTS, cfg.deletionRequestsTopic(),
                cfg.trainingManifestTopic(), registry);
        RequestStreamScenario.produce(stack.bootstrapServers(), scenario.manifestRecords);
        RequestStreamScenario.produce(stack.bootstrapServers(), scenario.sends);

        // When the processor runs over them
        RequestStreamScenario.Outcome outcome;
        try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()))) {
            app.start();
            outcome = scenario.await(stack.bootstrapServers(), cfg.requestStatusTopic(), cfg.batchesTopic(),
                    cfg.deadLetterTopic(), registry, Duration.ofSeconds(180), Duration.ofSeconds(3));

            // Then the health endpoint says so and the metrics count what was written
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> health = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + app.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + app.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("unlearn_streamprocessor_request_statuses_total{state=\"BATCHED\"}"),
                    metrics);
            assertTrue(metrics.contains("unlearn_streamprocessor_batch_requests_count{trigger=\"MAX_REQUESTS\"}"),
                    metrics);
        }
        scenario.assertOutcome(outcome);
    }

    @Test
    void shouldLoseNothingAndBatchNothingTwiceWhenKilledInTheMiddleOfTheStream() throws Exception {
        // Given the manifest and 10,000 requests on the broker, and the processor in its own JVM
        Map<String, String> props = settings(run());
        StreamProcessorConfig cfg = StreamProcessorConfig.from(props);
        RequestStreamScenario scenario = new RequestStreamScenario(REQUESTS, cfg.deletionRequestsTopic(),
                cfg.trainingManifestTopic(), registry);
        RequestStreamScenario.produce(stack.bootstrapServers(), scenario.manifestRecords);
        RequestStreamScenario.produce(stack.bootstrapServers(), scenario.sends);
        Path settingsFile = stateDir.resolve("stream-processor.properties");
        Properties file = new Properties();
        file.putAll(props);
        // small commits and transactions so the kill lands between many of them
        file.put(StreamProcessorConfig.COMMIT_INTERVAL_MS_CONFIG, "50");
        // the restarted instance takes over once the killed one's session expires; keep that short
        file.put("consumer.session.timeout.ms", "6000");
        file.put("consumer.heartbeat.interval.ms", "1500");
        try (OutputStream out = Files.newOutputStream(settingsFile)) {
            file.store(out, "crash test");
        }

        // When it is killed (SIGKILL: no flush, no commit, no close) once a part of the statuses is committed
        Process first = startChild(settingsFile, "first");
        int seen = awaitCommittedStatuses(cfg.requestStatusTopic(), scenario.expectedStatusCount() / 4, first);
        first.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        int atKill = countCommittedStatuses(cfg.requestStatusTopic());
        assertTrue(atKill < scenario.expectedStatusCount(),
                "the kill must land mid-stream: " + atKill + " of " + scenario.expectedStatusCount() + " statuses");

        // and restarted
        Process second = startChild(settingsFile, "second");
        RequestStreamScenario.Outcome outcome;
        try {
            outcome = scenario.await(stack.bootstrapServers(), cfg.requestStatusTopic(), cfg.batchesTopic(),
                    cfg.deadLetterTopic(), registry, Duration.ofSeconds(240), Duration.ofSeconds(5));
        } finally {
            second.destroy();
            second.waitFor(30, TimeUnit.SECONDS);
        }

        // Then nothing is lost and nothing is batched twice
        System.out.printf("crash test: killed after %d (first seen %d) of %d statuses%n",
                atKill, seen, scenario.expectedStatusCount());
        scenario.assertOutcome(outcome);
    }

    @Test
    void shouldStayRunningAndBatchEveryValidRequestWhenOversizedRequestsArriveBetweenThem() throws Exception {
        // Given a producer limit of 128 KiB, and limits derived from it; the old code, with no size limits, wrote a
        // REJECTED status of ~500 KB for the first bad request below and ~145 KB for the second, which the producer
        // refused with RecordTooLargeException, and the service stopped for good
        Map<String, String> props = settings(run());
        props.put("producer.max.request.size", "131072");
        props.put(StreamProcessorConfig.BATCH_MAX_BYTES_CONFIG, "63104");
        props.put(StreamProcessorConfig.REQUEST_MAX_BYTES_CONFIG, "32768");
        StreamProcessorConfig cfg = StreamProcessorConfig.from(props);
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        String topic = cfg.deletionRequestsTopic();
        List<ProducerRecord<byte[], byte[]>> sends = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            sends.add(record(topic, TestRequests.samples("ok-" + i, "m00", "s" + i).build(), serde));
        }
        // over request.max.bytes (about 90 KB): REJECTED before decoding
        sends.add(record(topic, TestRequests.samples("too-big", "m00", "s1").setModelIds(
                IntStream.range(0, 12_000).mapToObj(i -> "m\u0001" + i).toList()).build(), serde));
        // under request.max.bytes, but 3,000 problems: REJECTED with a capped reason
        sends.add(record(topic, TestRequests.samples("many-problems", "m00", "s1").setModelIds(
                IntStream.range(0, 3_000).mapToObj(i -> "m\u0001" + i).toList()).build(), serde));
        for (int i = 5; i < 10; i++) {
            sends.add(record(topic, TestRequests.samples("ok-" + i, "m01", "s" + i).build(), serde));
        }
        assertTrue(sends.get(5).value().length > 32_768 && sends.get(6).value().length < 32_768);
        RequestStreamScenario.produce(stack.bootstrapServers(), sends);

        // When the processor runs over them
        AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, registry);
        Map<String, RequestStatus> byRequest = new HashMap<>();
        try (StreamProcessorApp app = new StreamProcessorApp(cfg, new RestSchemaRegistryClient(cfg.schemaRegistryUrl()));
             RequestStreamScenario.CommittedReader statuses =
                     new RequestStreamScenario.CommittedReader(stack.bootstrapServers(), cfg.requestStatusTopic())) {
            app.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            while (statuses.records.size() < 12 && System.nanoTime() < deadline) {
                statuses.poll();
            }
            statuses.poll();

            // Then it is still running, every valid request is BATCHED and each bad one REJECTED, once
            assertEquals(KafkaStreams.State.RUNNING, app.state());
            for (var r : statuses.records) {
                RequestStatus status = statusSerde.deserialize(cfg.requestStatusTopic(), r.value());
                assertEquals(null, byRequest.put(status.getRequestId(), status), "two statuses for " + status.getRequestId());
            }
        }
        assertEquals(12, byRequest.size(), byRequest.keySet().toString());
        for (int i = 0; i < 10; i++) {
            assertEquals(RequestState.BATCHED, byRequest.get("ok-" + i).getState(), "ok-" + i);
        }
        assertEquals(RequestState.REJECTED, byRequest.get("too-big").getState());
        assertTrue(byRequest.get("too-big").getReason().contains("(request.max.bytes), so it was not decoded"),
                byRequest.get("too-big").getReason());
        String reason = byRequest.get("many-problems").getReason();
        assertEquals(RequestState.REJECTED, byRequest.get("many-problems").getState());
        assertTrue(reason.length() <= 2_000 && reason.contains("more problems"), reason);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, DeletionRequest request,
                                                         AvroSerde<DeletionRequest> serde) {
        return new ProducerRecord<>(topic, request.getRequestId().getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, request));
    }

    private Process startChild(Path settingsFile, String name) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path"),
                StreamProcessorApp.class.getName(), settingsFile.toString()));
        Path log = Path.of("target", "stream-processor-crash-" + name + ".log");
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private int awaitCommittedStatuses(String topic, int atLeast, Process app) {
        try (RequestStreamScenario.CommittedReader reader =
                     new RequestStreamScenario.CommittedReader(stack.bootstrapServers(), topic)) {
            long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (reader.records.size() < atLeast) {
                assertTrue(app.isAlive(), "the stream-processor child died; see target/stream-processor-crash-first.log");
                assertTrue(System.nanoTime() < deadline, "only " + reader.records.size() + " statuses after 120 s");
                reader.poll();
            }
            return reader.records.size();
        }
    }

    private int countCommittedStatuses(String topic) {
        try (RequestStreamScenario.CommittedReader reader =
                     new RequestStreamScenario.CommittedReader(stack.bootstrapServers(), topic)) {
            int before = -1;
            while (before != reader.records.size()) {
                before = reader.records.size();
                reader.poll();
                reader.poll();
            }
            return reader.records.size();
        }
    }
}
