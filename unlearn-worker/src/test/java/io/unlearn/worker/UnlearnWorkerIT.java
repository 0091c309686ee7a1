package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.unlearn.localstack.SharedStack;
import io.unlearn.registry.InJvmModelRegistry;
import io.unlearn.registry.ModelRegistry;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import java.io.ByteArrayOutputStream;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker against the real broker and schema registry (SharedStack) and a real model-registry started in this
 * JVM, with a base classifier trained on a small synthetic data set and registered through {@code POST /models}.
 */
class UnlearnWorkerIT {

    private static final String DATASET = "synthetic?samples=400&classes=4&side=10&seed=5";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path artifacts;

    private static SharedStack stack;
    private static SchemaRegistryClient schemas;
    private static ModelRegistry registry;
    private static Map<String, String> workerSettings;
    private static UnlearnWorkerConfig config;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void startTheStackAndTheModelRegistryAndRegisterTwoModels() throws Exception {
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        registry = InJvmModelRegistry.start(stack, artifacts, run, schemas);

        workerSettings = new HashMap<>();
        workerSettings.put(UnlearnWorkerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        workerSettings.put(UnlearnWorkerConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        workerSettings.put(UnlearnWorkerConfig.MODEL_REGISTRY_URL_CONFIG, registryUrl());
        workerSettings.put(UnlearnWorkerConfig.ARTIFACT_DIR_CONFIG, artifacts.toString());
        workerSettings.put(UnlearnWorkerConfig.WORKER_ID_CONFIG, run + "unlearn-worker");
        workerSettings.put(UnlearnWorkerConfig.HTTP_PORT_CONFIG, "0");
        workerSettings.put(UnlearnWorkerConfig.BATCHES_TOPIC_CONFIG, run + "batches");
        workerSettings.put(UnlearnWorkerConfig.CANDIDATES_TOPIC_CONFIG, run + "candidates");
        workerSettings.put(UnlearnWorkerConfig.REQUEST_STATUS_TOPIC_CONFIG, run + "request-status");
        workerSettings.put(UnlearnWorkerConfig.DEAD_LETTER_TOPIC_CONFIG, run + "dead-letter");
        workerSettings.put(UnlearnWorkerConfig.VERDICT_POLL_MS_CONFIG, "200");
        // A restarted worker takes over the killed one's partitions once its session expires; keep that short.
        workerSettings.put("consumer.session.timeout.ms", "6000");
        workerSettings.put("consumer.heartbeat.interval.ms", "1500");
        config = UnlearnWorkerConfig.load(workerSettings);

        Dataset dataset = Unlearning.dataset(DATASET);
        try (ModelHandle base = Unlearning.trainClassifier(dataset.train(), new TrainingRecipe(2, 32, 3e-3f, 42))) {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            base.save(bytes);
            register("fast", "fine_tune", Map.of("epochs", "1", "batchSize", "32"), bytes.toByteArray());
            // Slow enough (about 10 s here) for the crash test to kill the worker in the middle of it.
            register("slow", "fine_tune", Map.of("epochs", "12", "batchSize", "16"), bytes.toByteArray());
        }
    }

    @AfterAll
    static void stopTheModelRegistry() {
        if (registry != null) {
            registry.close();
        }
    }

    private static String registryUrl() {
        return "http://127.0.0.1:" + registry.httpPort();
    }

    private static void register(String modelId, String method, Map<String, String> settings, byte[] artifact)
            throws Exception {
        ObjectNode body = JSON.createObjectNode();
        body.put("modelId", modelId);
        body.put("family", "classifier");
        body.putObject("architecture").put("classes", 4).put("rows", 10).put("cols", 10);
        ObjectNode policy = body.putObject("policy");
        policy.put("method", method);
        settings.forEach(policy.putObject("settings")::put);
        policy.putArray("thresholds").addObject().put("metric", "forget.accuracy").put("comparator", "<=")
                .put("threshold", 1.0);
        policy.put("maxFailuresBeforeRetrain", 2);
        body.putObject("dataset").put("name", DATASET).putObject("subjects");
        body.put("artifactBase64", Base64.getEncoder().encodeToString(artifact));
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl() + "/models"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + InJvmModelRegistry.TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(201, response.statusCode(), response.body());
    }

    private static UnlearningBatch batch(String modelId, String batchId, List<String> sampleIds) {
        List<BatchedRequest> requests = new ArrayList<>();
        for (String s : sampleIds) {
            requests.add(BatchedRequest.newBuilder().setRequestId(batchId + "-r" + s).setScope(DeletionScope.SAMPLES)
                    .setSampleIds(List.of(s)).build());
        }
        return UnlearningBatch.newBuilder().setBatchId(batchId).setModelId(modelId).setSequence(1)
                .setRequests(requests).setSampleIds(sampleIds).setClassLabels(List.of()).setPairs(List.of())
                .setTrigger(BatchTrigger.MAX_REQUESTS).setAttempt(0).setCreatedAt(Instant.now()).build();
    }

    private static void send(UnlearningBatch batch) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(config.batchesTopic(),
                    batch.getModelId().getBytes(StandardCharsets.UTF_8),
                    AvroSerde.forTopic(Topics.BATCHES, schemas).serialize(config.batchesTopic(), batch))).get();
        }
    }

    /** Every committed record of a one-partition topic, read with read_committed until {@code done} holds. */
    private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readCommitted(String topic,
            AvroSerde<T> serde, Predicate<List<T>> done,
            Duration wait) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<T> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + wait.toNanos();
            while (!done.test(values) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(serde.deserialize(topic, r.value()));
                }
            }
        }
        return values;
    }

    private static List<CandidateVersion> candidatesOf(String batchId, Predicate<List<CandidateVersion>> done,
            Duration wait) {
        return readCommitted(config.candidatesTopic(), AvroSerde.forTopic(Topics.CANDIDATES, schemas),
                all -> done.test(all.stream().filter(c -> c.getBatchId().equals(batchId)).toList()), wait).stream()
                .filter(c -> c.getBatchId().equals(batchId)).toList();
    }

    private static List<RequestStatus> statusesOf(String batchId, int atLeast) {
        return readCommitted(config.requestStatusTopic(), AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas),
                all -> all.stream().filter(s -> batchId.equals(s.getBatchId())).count() >= atLeast, WAIT).stream()
                .filter(s -> batchId.equals(s.getBatchId())).toList();
    }

    private static JsonNode awaitVersionInRegistry(String modelId, String versionId) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(registryUrl() + "/models/"
                    + modelId)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode model = JSON.readTree(r.body());
            for (JsonNode v : model.path("versions")) {
                if (v.path("versionId").asText().equals(versionId)) {
                    return v;
                }
            }
            Thread.sleep(200);
        }
        throw new AssertionError(versionId + " of " + modelId + " never reached the model-registry");
    }

    @Test
    void shouldTurnABatchIntoOneCandidateAndUnlearnedStatusesThatTheRegistryRecords() throws Exception {
        // Given a running worker and a registered model
        try (UnlearnWorker worker = UnlearnWorker.start(config, schemas)) {
            // When a batch forgetting three samples arrives, and a batch for a model nobody registered
            send(batch("fast", "fast-000001", List.of("3", "10", "77")));
            send(batch("ghost", "ghost-000001", List.of("1")));

            // Then exactly one committed candidate, with a status per request naming it
            List<CandidateVersion> candidates = candidatesOf("fast-000001", c -> !c.isEmpty(), WAIT);
            assertEquals(1, candidates.size());
            CandidateVersion candidate = candidates.get(0);
            assertEquals(VersionIds.of("fast", candidate.getParentVersionId(), "fast-000001", 0),
                    candidate.getVersionId());
            assertEquals(List.of("3", "10", "77"), candidate.getSampleIds());
            List<RequestStatus> statuses = statusesOf("fast-000001", 3);
            assertEquals(3, statuses.size());
            assertTrue(statuses.stream().allMatch(s -> s.getState() == RequestState.UNLEARNED
                    && s.getVersionId().equals(candidate.getVersionId())), statuses.toString());

            // And the model-registry records it as a candidate with the stored artifact
            JsonNode recorded = awaitVersionInRegistry("fast", candidate.getVersionId());
            assertEquals("CANDIDATE", recorded.path("status").asText(), recorded.toString());

            // And the unknown model's request ends FAILED with the reason, with no candidate
            RequestStatus ghost = statusesOf("ghost-000001", 1).get(0);
            assertEquals(RequestState.FAILED, ghost.getState());
            assertTrue(ghost.getReason().contains("unknown model 'ghost'"), ghost.getReason());
            assertTrue(candidatesOf("ghost-000001", c -> false, Duration.ofMillis(500)).isEmpty());

            // And health and metrics say so
            HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + worker.httpPort() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode(), health.body());
            String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + worker.httpPort()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.contains("unlearn_worker_batches_total{method=\"fine_tune\",outcome=\"candidate\"}"),
                    metrics);
            assertTrue(metrics.contains("unlearn_worker_loop_committed_total "), metrics);
        }
    }

    @Test
    void shouldPublishExactlyOneVersionForABatchWhenTheWorkerIsKilledMidBatchAndRestarted() throws Exception {
        // Given the worker in its own JVM, busy unlearning a slow batch
        Path settingsFile = artifacts.resolve("unlearn-worker.properties");
        Properties file = new Properties();
        file.putAll(workerSettings);
        try (OutputStream out = Files.newOutputStream(settingsFile)) {
            file.store(out, "crash test");
        }
        send(batch("slow", "slow-000001", List.of("5", "6")));
        Path log = Path.of("target", "unlearn-worker-crash.log");
        Process child = startChild(settingsFile, log);
        try {
            awaitLine(log, "slow-000001 of slow (attempt 0): fine_tune", child);

            // When it is killed (SIGKILL: no commit, no close) in the middle of that batch
            child.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        } finally {
            child.destroyForcibly();
        }
        assertTrue(candidatesOf("slow-000001", c -> false, Duration.ofSeconds(1)).isEmpty(),
                "the kill must land before the batch committed");

        // And a worker with the same settings starts again
        try (UnlearnWorker restarted = UnlearnWorker.start(config, schemas)) {
            List<CandidateVersion> first = candidatesOf("slow-000001", c -> !c.isEmpty(), WAIT);
            assertEquals(1, first.size(), "the restarted worker finishes the batch");
            awaitVersionInRegistry("slow", first.get(0).getVersionId());
        }

        // Then the topic holds exactly one candidate for the batch, and the statuses name that one version
        List<CandidateVersion> all = candidatesOf("slow-000001", c -> false, Duration.ofSeconds(2));
        assertEquals(1, all.size(), all.toString());
        List<RequestStatus> statuses = statusesOf("slow-000001", 2);
        assertEquals(2, statuses.size(), statuses.toString());
        assertTrue(statuses.stream().allMatch(s -> s.getVersionId().equals(all.get(0).getVersionId())));
    }

    private static Process startChild(Path settingsFile, Path log) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-Dai.djl.offline=true",
                "-cp", System.getProperty("java.class.path")));
        if (System.getProperty("DJL_CACHE_DIR") != null) {
            command.add(command.size() - 2, "-DDJL_CACHE_DIR=" + System.getProperty("DJL_CACHE_DIR"));
        }
        command.add(UnlearnWorkerApp.class.getName());
        command.add(settingsFile.toString());
        Files.createDirectories(log.getParent());
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    private static void awaitLine(Path log, String text, Process child) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            assertTrue(child.isAlive(), "the worker child died; see " + log.toAbsolutePath());
            Thread.sleep(50);
        }
        throw new AssertionError("the worker child never logged '" + text + "'; see " + log.toAbsolutePath());
    }
}
