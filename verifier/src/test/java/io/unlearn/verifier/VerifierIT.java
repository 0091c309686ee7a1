package io.unlearn.verifier;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.localstack.SharedStack;
import io.unlearn.registry.InJvmModelRegistry;
import io.unlearn.registry.ModelRegistry;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationResult;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verifier against real parts: the KRaft broker and Apicurio of {@link SharedStack}, the real model-registry
 * started in this JVM (it serves GET /models/{id}, records the candidates and the verdicts), and real artifacts:
 * a classifier trained on the unlearning module's generated dataset and candidates made from it with the SPI.
 */
class VerifierIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final String DATASET = "synthetic?samples=600&classes=4&side=12&noise=0.35&seed=7";
    private static final TrainingRecipe RECIPE = new TrainingRecipe(3, 64, 2e-3f, 7);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path artifactDir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SharedStack stack;
    private SchemaRegistryClient schemas;
    private ModelRegistry registry;
    private VerifierConfig config;
    private Verifier verifier;
    private KafkaProducer<byte[], byte[]> producer;
    private DirectoryArtifactStore artifacts;

    @BeforeEach
    void startRegistryAndVerifier() throws IOException {
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        artifacts = new DirectoryArtifactStore(artifactDir);
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";

        registry = InJvmModelRegistry.start(stack, artifactDir, run, schemas);
        toClose.add(registry);

        Map<String, Object> settings = new HashMap<>();
        settings.put(VerifierConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        settings.put(VerifierConfig.SCHEMA_REGISTRY_URL_CONFIG, stack.registryUrl());
        settings.put(VerifierConfig.MODEL_REGISTRY_URL_CONFIG, "http://127.0.0.1:" + registry.httpPort());
        settings.put(VerifierConfig.ARTIFACT_DIR_CONFIG, artifactDir.toString());
        settings.put(VerifierConfig.VERIFIER_ID_CONFIG, run + "verifier");
        settings.put(VerifierConfig.HTTP_PORT_CONFIG, "0");
        settings.put(VerifierConfig.CANDIDATES_TOPIC_CONFIG, run + "candidates");
        settings.put(VerifierConfig.VERIFICATIONS_TOPIC_CONFIG, run + "verifications");
        settings.put(VerifierConfig.REQUEST_STATUS_TOPIC_CONFIG, run + "request-status");
        settings.put(VerifierConfig.BATCHES_TOPIC_CONFIG, run + "batches");
        settings.put(VerifierConfig.DEAD_LETTER_TOPIC_CONFIG, run + "verifier-dead-letter");
        settings.put(VerifierConfig.MIA_MAX_MEMBERS_CONFIG, "200");
        settings.put(VerifierConfig.MIA_FOLDS_CONFIG, "5");
        settings.put(VerifierConfig.RETAIN_SAMPLES_CONFIG, "0");
        settings.put(VerifierConfig.REFERENCE_EPOCHS_CONFIG, String.valueOf(RECIPE.epochs()));
        settings.put(VerifierConfig.REFERENCE_BATCH_SIZE_CONFIG, String.valueOf(RECIPE.batchSize()));
        settings.put(VerifierConfig.REFERENCE_LEARNING_RATE_CONFIG, String.valueOf(RECIPE.learningRate()));
        settings.put(VerifierConfig.RETRY_BACKOFF_MS_CONFIG, "500");
        config = VerifierConfig.load(settings);
        stack.createTopics(1, config.batchesTopic(), config.deadLetterTopic());
        verifier = Verifier.start(config, new RestSchemaRegistryClient(stack.registryUrl()));
        toClose.add(verifier);

        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer());
        toClose.add(producer);
    }

    @AfterEach
    void stopEverything() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        schemas.close();
    }

    @Test
    void shouldPublishVerdictsStatusesAndRetriesForRealCandidatesInOneTransactionEach() throws Exception {
        // Given a base classifier registered with a policy: forget accuracy <= 0.2 and retain accuracy >= 0.7
        Dataset data = Unlearning.dataset(DATASET);
        ModelHandle base = Unlearning.trainClassifier(data.train(), RECIPE);
        toClose.add(base);
        HttpResponse<String> created = post("/models", registration(base));
        assertEquals(201, created.statusCode(), created.body());

        // When the worker's candidate v-1 (exact retraining without class 1) arrives
        ForgetRequest class1 = ForgetRequest.ofClasses(1);
        String v1Digest;
        try (ModelHandle v1 = Unlearning.retrain(RECIPE).apply(base,
                UnlearningData.of(data.train(), data.test(), class1, base.forgotten())).model()) {
            v1.recordForgotten(class1);
            v1Digest = store(v1);
        }
        publish("m1", candidate("v-1", "base", "m1-0000000001", 0, "retrain", v1Digest, List.of(),
                List.of(1), class1Request("r-1"), class1Request("r-2")));

        // Then its result and both statuses come out together, PASSED and VERIFIED
        List<VerificationResult> results = read(config.verificationsTopic(), Topics.VERIFICATIONS, 1);
        VerificationResult passed = results.get(0);
        assertEquals(Verdict.PASSED, passed.getVerdict(), passed.getReason());
        assertEquals(List.of("forget.accuracy", "retain.accuracy"),
                passed.getChecks().stream().map(c -> c.getMetric()).toList());
        assertTrue(passed.getMetrics().get("forget.accuracy") <= 0.2, passed.getMetrics().toString());
        assertTrue(passed.getParentMetrics().get("forget.accuracy") > 0.8, passed.getParentMetrics().toString());
        List<RequestStatus> statuses = read(config.requestStatusTopic(), Topics.REQUEST_STATUS, 2);
        assertEquals(List.of("r-1", "r-2"), statuses.stream().map(RequestStatus::getRequestId).toList());
        statuses.forEach(s -> {
            assertEquals(RequestState.VERIFIED, s.getState());
            assertEquals("v-1", s.getVersionId());
            assertEquals("verifier", s.getStage());
        });
        // And the candidate's offset was committed with them
        assertEquals(1, committedOffset());
        // And the registry recorded the verdict and moved production
        JsonNode alias = await("/models/m1/aliases/production", r -> r.statusCode() == 200);
        assertEquals("v-1", alias.get("versionId").asText());

        // When a candidate v-2 that records forgetting ten samples but did not change its parameters arrives,
        // then bytes that are not a candidate, then a candidate whose artifact is not in the store
        List<String> samples = List.of("0", "2", "3", "4", "6", "7", "8", "10", "11", "12");
        String v2Digest;
        try (ModelHandle v1 = Unlearning.loadModel(artifacts.open(v1Digest).orElseThrow());
             ModelHandle v2 = v1.copy()) {
            v2.recordForgotten(v1.forgotten().union(ForgetRequest.ofSamples(Set.copyOf(samples))));
            v2Digest = store(v2);
        }
        BatchedRequest r3 = BatchedRequest.newBuilder().setRequestId("r-3").setScope(DeletionScope.SAMPLES)
                .setSampleIds(samples).build();
        publish("m1", candidate("v-2", "v-1", "m1-0000000002", 0, "contrastive", v2Digest, samples, List.of(), r3));
        producer.send(new ProducerRecord<>(config.candidatesTopic(), "m1".getBytes(StandardCharsets.UTF_8),
                "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8))).get();
        String absent = "f".repeat(64);
        publish("m1", candidate("v-3", "v-1", "m1-0000000002", 1, "contrastive", absent, samples, List.of(), r3));

        // Then v-2 fails on forget accuracy and its batch comes back as attempt 1 with the same forget set
        results = read(config.verificationsTopic(), Topics.VERIFICATIONS, 3);
        VerificationResult failed = results.get(1);
        assertEquals("v-2", failed.getVersionId());
        assertEquals(Verdict.FAILED, failed.getVerdict());
        assertTrue(failed.getReason().startsWith("failed 1 of 2 checks: forget.accuracy"), failed.getReason());
        List<UnlearningBatch> retries = read(config.batchesTopic(), Topics.BATCHES, 2);
        UnlearningBatch retry = retries.get(0);
        assertEquals("m1-0000000002", retry.getBatchId());
        assertEquals(1, retry.getAttempt());
        assertEquals(BatchTrigger.RETRY, retry.getTrigger());
        assertEquals(samples, retry.getSampleIds());
        assertEquals(List.of(r3), retry.getRequests());
        statuses = read(config.requestStatusTopic(), Topics.REQUEST_STATUS, 4);
        assertEquals(RequestState.BATCHED, statuses.get(2).getState());
        assertTrue(statuses.get(2).getReason().endsWith("retry attempt 1 with stronger contrastive settings"),
                statuses.get(2).getReason());

        // And the missing artifact fails v-3 with the reason, and attempt 2 escalates to exact retraining
        VerificationResult missing = results.get(2);
        assertEquals("v-3", missing.getVersionId());
        assertEquals(Verdict.FAILED, missing.getVerdict());
        assertTrue(missing.getReason().contains("the artifact " + absent + " of candidate version v-3 is missing"),
                missing.getReason());
        assertEquals(2, retries.get(1).getAttempt());
        assertTrue(statuses.get(3).getReason().endsWith("retry attempt 2 with exact retraining"),
                statuses.get(3).getReason());

        // And the undecodable record went to the dead-letter topic untouched, without blocking the others
        ConsumerRecord<byte[], byte[]> dead = readRaw(config.deadLetterTopic(), 1).get(0);
        assertEquals("{\"not\": \"avro\"}", new String(dead.value(), StandardCharsets.UTF_8));
        assertEquals(config.candidatesTopic(), DeadLetterHeaders.text(dead.headers(), DeadLetterHeaders.TOPIC));
        assertEquals(4, committedOffset());

        // And the registry recorded v-2 as FAILED while production stays on v-1
        JsonNode v2 = await("/models/m1/versions/v-2", r -> r.statusCode() == 200 && r.body().contains("FAILED"));
        assertEquals("FAILED", v2.get("status").asText());
        assertEquals("v-1", getJson("/models/m1/aliases/production").get("versionId").asText());

        // And health and metrics say what happened
        HttpResponse<String> health = get("http://127.0.0.1:" + verifier.httpPort() + "/health");
        assertEquals(200, health.statusCode(), health.body());
        String metrics = get("http://127.0.0.1:" + verifier.httpPort() + "/metrics").body();
        assertTrue(metrics.contains("unlearn_verifier_verdicts_total{verdict=\"PASSED\"} 1.0"), metrics);
        assertTrue(metrics.contains("unlearn_verifier_verdicts_total{verdict=\"FAILED\"} 2.0"), metrics);
        assertTrue(metrics.contains("unlearn_verifier_retry_batches_total 2.0"), metrics);
        assertTrue(metrics.contains("unlearn_verifier_loop_dead_letters_total 1.0"), metrics);
    }

    // ------------------------------------------------------------------ helpers

    private String registration(ModelHandle base) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        base.save(bytes);
        return """
                {"modelId": "m1", "family": "classifier", "architecture": {"classes": 4},
                 "policy": {"method": "contrastive", "settings": {},
                            "thresholds": [{"metric": "forget.accuracy", "comparator": "<=", "threshold": 0.2},
                                           {"metric": "retain.accuracy", "comparator": ">=", "threshold": 0.7}],
                            "maxFailuresBeforeRetrain": 2},
                 "dataset": {"name": "%s", "subjects": {"subject-0": ["0", "1", "2"]}},
                 "artifactBase64": "%s"}
                """.formatted(DATASET, Base64.getEncoder().encodeToString(bytes.toByteArray()));
    }

    private String store(ModelHandle model) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        model.save(bytes);
        return artifacts.put(new ByteArrayInputStream(bytes.toByteArray()));
    }

    private static BatchedRequest class1Request(String id) {
        return BatchedRequest.newBuilder().setRequestId(id).setScope(DeletionScope.CLASS).setClassLabel(1).build();
    }

    private static CandidateVersion candidate(String versionId, String parent, String batchId, int attempt,
                                              String method, String digest, List<String> sampleIds,
                                              List<Integer> classes, BatchedRequest... requests) {
        return CandidateVersion.newBuilder()
                .setModelId("m1").setVersionId(versionId).setParentVersionId(parent).setBatchId(batchId)
                .setRequestIds(java.util.Arrays.stream(requests).map(BatchedRequest::getRequestId).toList())
                .setMethod(method).setMethodSettings(Map.of()).setArtifactDigest(digest).setDevice("cpu()")
                .setCost(new UnlearningCost(1000L, 600L, 600L)).setAttempt(attempt).setSeed(7L)
                .setCreatedAt(Instant.now()).setSampleIds(sampleIds).setClassLabels(classes)
                .setRequests(List.of(requests)).build();
    }

    private void publish(String key, CandidateVersion candidate) throws Exception {
        byte[] value = AvroSerde.forTopic(Topics.CANDIDATES, schemas).serialize(config.candidatesTopic(), candidate);
        producer.send(new ProducerRecord<>(config.candidatesTopic(), key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private long committedOffset() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            OffsetAndMetadata offset = admin.listConsumerGroupOffsets(config.verifierId())
                    .partitionsToOffsetAndMetadata().get().get(new TopicPartition(config.candidatesTopic(), 0));
            return offset == null ? 0 : offset.offset();
        }
    }

    /** The topic's committed records (read_committed: an aborted or open transaction shows nothing). */
    private <V extends org.apache.avro.specific.SpecificRecord> List<V> read(String topic,
                                                                            io.unlearn.schemas.Topic<V> type,
                                                                            int expected) {
        AvroSerde<V> serde = AvroSerde.forTopic(type, schemas);
        return readRaw(topic, expected).stream().map(r -> serde.deserialize(r.topic(), r.value())).toList();
    }

    private List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, int expected) {
        Map<String, Object> props = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            TopicPartition p = new TopicPartition(topic, 0);
            consumer.assign(List.of(p));
            consumer.seekToBeginning(List.of(p));
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (out.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            // a little longer: more records than expected would mean duplicates
            consumer.poll(Duration.ofMillis(500)).forEach(out::add);
        }
        assertEquals(expected, out.size(), "records on " + topic);
        return out;
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + registry.httpPort() + path))
                .POST(HttpRequest.BodyPublishers.ofString(body)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + InJvmModelRegistry.TOKEN).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode getJson(String path) throws Exception {
        return JSON.readTree(get("http://127.0.0.1:" + registry.httpPort() + path).body());
    }

    private JsonNode await(String path, Predicate<HttpResponse<String>> done) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        HttpResponse<String> last;
        do {
            last = get("http://127.0.0.1:" + registry.httpPort() + path);
            if (done.test(last)) {
                return JSON.readTree(last.body());
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("GET " + path + " never matched; last answer " + last.statusCode() + " "
                + last.body());
    }
}
