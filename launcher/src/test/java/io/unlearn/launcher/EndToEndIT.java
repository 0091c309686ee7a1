package io.unlearn.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.kit.receipts.ReceiptKeys;
import io.unlearn.kit.receipts.Receipts;
import io.unlearn.launcher.scenario.BaseModels;
import io.unlearn.launcher.scenario.DeletionScenario;
import io.unlearn.launcher.scenario.LatencyReport;
import io.unlearn.launcher.scenario.ModelSpec;
import io.unlearn.launcher.scenario.RequestTracker;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.SamplePair;
import io.unlearn.schemas.v1.VerificationResult;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DualEncoderRecipe;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole system on a real KRaft broker and a real Apicurio registry, with the four services as separate JVMs:
 * deletion requests in, verified model versions, audit answers and a verifiable lineage out. Small generated data
 * so the run takes minutes on two cores.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndIT {

    private static final String CLASSIFIER = "e2e-classifier";
    private static final String DKVB = "e2e-dkvb";
    private static final String IMPOSSIBLE = "e2e-impossible";
    private static final String DUAL = "e2e-dual-encoder";
    private static final Duration SETTLE = Duration.ofMinutes(6);

    private Path workDir;
    private SharedStack stack;
    private RestSchemaRegistryClient schemas;
    private Dataset dataset;
    private LocalDeployment deployment;
    private RequestTracker tracker;

    @BeforeAll
    void startEverything() throws IOException {
        workDir = Files.createTempDirectory("unlearn-e2e-");
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        dataset = Unlearning.dataset("synthetic?samples=1200&classes=4&side=12&seed=7");
        Map<Service, Map<String, String>> overrides = new HashMap<>();
        overrides.put(Service.STREAM_PROCESSOR, Map.of("known.models", DKVB + "," + IMPOSSIBLE + "," + DUAL,
                "batch.max.wait.ms", "1500", "batch.max.requests", "20"));
        // longer than the killed-worker test waits: only a restart that takes its partitions back at once settles
        overrides.put(Service.UNLEARN_WORKER, Map.of("consumer.session.timeout.ms", "300000"));
        deployment = LocalDeployment.start(stack.bootstrapServers(), stack.registryUrl(), workDir, overrides,
                Duration.ofMinutes(3));
        BaseModels.trainAndRegister(deployment.modelRegistryUrl(), deployment.modelRegistryToken(),
                "synthetic?samples=1200&classes=4&side=12&seed=7", dataset.train(), TrainingRecipe.defaults().withEpochs(3), List.of(
                        new ModelSpec(CLASSIFIER, "classifier", "contrastive", Map.of(),
                                List.of(List.of("retain.accuracy", ">=", 0.5), List.of("test.accuracy", ">=", 0.5)),
                                2, true),
                        new ModelSpec(DKVB, "dkvb_classifier", "dkvb", Map.of(),
                                List.of(List.of("forget.accuracy", "<=", 0.25), List.of("retain.accuracy", ">=", 0.4)),
                                1, false),
                        // No model can reach a negative accuracy: every attempt fails, then exact retraining too.
                        new ModelSpec(IMPOSSIBLE, "classifier", "fine_tune", Map.of(),
                                List.of(List.of("forget.accuracy", "<=", -1.0)), 1, false)));
        BaseModels.trainAndRegisterDualEncoder(deployment.modelRegistryUrl(), deployment.modelRegistryToken(),
                "synthetic?samples=1200&classes=4&side=12&seed=7", dataset.train(),
                new DualEncoderRecipe(4, 32, 1e-3f, 42L), List.of(new ModelSpec(DUAL, "dual_encoder", "cliperase",
                        Map.of("learningRate", "0.001", "maxSteps", "200"),
                        List.of(List.of("forget.i2t.recall5.advantage", "<=", 0.05),
                                List.of("retain.zeroshot.accuracy", ">=", 0.5)), 1, false)));
        tracker = new RequestTracker(stack.bootstrapServers(), schemas);
    }

    @AfterAll
    void stopEverything() {
        if (tracker != null) {
            tracker.close();
        }
        if (deployment != null) {
            deployment.close();
        }
    }

    @Test
    @Order(1)
    void fiftyRequestsEndVerifiedWithTheVersionThatExcludesThem() {
        DeletionScenario.Sent sent = DeletionScenario.send(stack.bootstrapServers(), schemas, dataset.train(),
                CLASSIFIER, List.of(DKVB), List.of(DUAL), 50, true, 7);
        assertTrue(tracker.awaitSettled(sent.requestIds(), SETTLE), () -> "not settled: " + unsettled(sent));

        for (String id : sent.validRequestIds()) {
            Map<String, RequestStatus> latest = tracker.latestByModel(id);
            assertFalse(latest.isEmpty(), id + " was never batched: " + tracker.history(id));
            for (RequestStatus status : latest.values()) {
                assertEquals(RequestState.VERIFIED, status.getState(), () -> id + ": " + tracker.history(id));
                assertNotNull(status.getVersionId(), id);
                JsonNode audit = get("/requests/" + id);
                String excluding = null;
                for (JsonNode m : audit.path("models")) {
                    if (m.path("modelId").asText().equals(status.getModelId())) {
                        excluding = m.path("firstExcludingVersion").path("versionId").asText();
                    }
                }
                assertEquals(status.getVersionId(), excluding, () -> id + " audit: " + audit);
            }
        }
        assertEquals(RequestState.REJECTED, lastState(sent.unknownModelId()));
        // Data the model was not trained on fails that request alone: the others of its batch are verified.
        for (String id : sent.untrainedDataIds()) {
            RequestStatus last = tracker.history(id).get(tracker.history(id).size() - 1);
            assertEquals(RequestState.FAILED, last.getState(), () -> id + ": " + tracker.history(id));
            assertTrue(last.getReason().contains("go on"), last::getReason);
            // Which requests share its batch depends on arrival timing; whichever do end VERIFIED.
            sent.validRequestIds().stream()
                    .filter(other -> tracker.history(other).stream()
                            .anyMatch(s -> last.getBatchId().equals(s.getBatchId())))
                    .forEach(other -> assertEquals(RequestState.VERIFIED, lastState(other),
                            () -> other + " shared " + last.getBatchId() + ": " + tracker.history(other)));
        }
        assertTrue(tracker.history(sent.duplicateId()).stream()
                .anyMatch(s -> s.getState() == RequestState.DUPLICATE_OF), "the re-sent request is a duplicate");

        assertEquals("OK", get("/lineage/verify").path("status").asText());
        // The registry the launcher configured signs receipts: one for a verified request names its excluding
        // version and verifies under the published receipt key.
        String verified = sent.validRequestIds().get(0);
        JsonNode document = get("/requests/" + verified + "/receipt");
        JsonNode key = get("/receipt-key");
        assertTrue(Receipts.signatureHolds(document.path("receipt"), Base64.getDecoder().decode(
                document.path("signature").path("value").asText()), ReceiptKeys.readPublicKey(key.path("pem")
                .asText())), () -> verified + " receipt: " + document);
        for (RequestStatus status : tracker.latestByModel(verified).values()) {
            boolean attested = false;
            for (JsonNode m : document.path("receipt").path("models")) {
                attested |= m.path("modelId").asText().equals(status.getModelId())
                        && m.path("versionId").asText().equals(status.getVersionId());
            }
            assertTrue(attested, () -> status + " not in the receipt " + document);
        }
        for (String model : List.of(CLASSIFIER, DKVB, DUAL)) {
            JsonNode view = get("/models/" + model);
            String newestPassed = null;
            for (JsonNode v : view.path("versions")) {
                if (v.path("status").asText().equals("PASSED")) {
                    newestPassed = v.path("versionId").asText();
                }
            }
            assertNotNull(newestPassed, model + " has no passing version: " + view);
            assertEquals(newestPassed, view.path("aliases").path("production").asText(), model);
        }

        // The registry's answers match the topics: every candidate on the topic is a version, with the verdict
        // the verifier published.
        Map<String, String> verdictByVersion = new HashMap<>();
        for (VerificationResult r : readAll(Topics.VERIFICATIONS.name(),
                AvroSerde.forTopic(Topics.VERIFICATIONS, schemas).deserializer())) {
            verdictByVersion.put(r.getVersionId(), r.getVerdict().name());
        }
        for (CandidateVersion c : readAll(Topics.CANDIDATES.name(),
                AvroSerde.forTopic(Topics.CANDIDATES, schemas).deserializer())) {
            if (!Set.of(CLASSIFIER, DKVB, DUAL).contains(c.getModelId())) {
                continue;
            }
            JsonNode version = get("/models/" + c.getModelId() + "/versions/" + c.getVersionId());
            assertEquals(c.getArtifactDigest(), version.path("artifactDigest").asText());
            assertEquals(verdictByVersion.get(c.getVersionId()), version.path("status").asText(), c.getVersionId());
        }

        assertDualEncoderForgotTheClass(sent);

        LatencyReport latency = new LatencyReport();
        sent.validRequestIds().forEach(id -> latency.add(id, sent.sentAt().get(id), tracker.history(id)));
        latency.print(System.out, Map.of(CLASSIFIER, "contrastive", DKVB, "dkvb", DUAL, "cliperase"));
        assertTrue(latency.percentile(CLASSIFIER, "total", 50) > 0);
    }

    @Test
    @Order(2)
    void aDualEncoderForgetsImageCaptionPairs() {
        List<String> ids = new ArrayList<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, DeletionRequest> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerde.forTopic(Topics.DELETION_REQUESTS, schemas).serializer())) {
            for (int i = 0; i < 6; i++) {
                String id = "pairs-" + Instant.now().toEpochMilli() + "-" + i;
                ids.add(id);
                List<SamplePair> pairs = new ArrayList<>();
                for (int k = 0; k < 3; k++) {
                    String image = Integer.toString(dataset.train().id(500 + 37 * i + 11 * k));
                    pairs.add(new SamplePair(image, image));
                }
                producer.send(new ProducerRecord<>(Topics.DELETION_REQUESTS.name(), id, DeletionRequest.newBuilder()
                        .setRequestId(id).setScope(DeletionScope.PAIRS).setPairs(pairs).setModelIds(List.of(DUAL))
                        .setRequestedAt(Instant.now()).build()));
            }
        }
        assertTrue(tracker.awaitSettled(ids, SETTLE), () -> "not settled: " + ids.stream().map(tracker::history)
                .toList());
        Set<String> versions = new HashSet<>();
        for (String id : ids) {
            assertEquals(RequestState.VERIFIED, lastState(id), tracker.history(id)::toString);
            versions.add(tracker.latestByModel(id).get(DUAL).getVersionId());
        }
        // The parent still matched these pairs better than unseen ones; the verified version does not.
        for (String version : versions) {
            VerificationResult v = passedVerification(version);
            assertTrue(v.getParentMetrics().get("forget.i2t.recall5.advantage") > 0.05, v::toString);
            assertTrue(v.getMetrics().get("forget.i2t.recall5.advantage") <= 0.05, v::toString);
            assertTrue(v.getMetrics().get("retain.zeroshot.accuracy") >= 0.5, v::toString);
        }
    }

    @Test
    @Order(3)
    void impossibleThresholdsFailThenEscalateToRetrainingAndLoseNothing() {
        List<String> ids = sendSamples(IMPOSSIBLE, 3, "imp");
        assertTrue(tracker.awaitSettled(ids, SETTLE), () -> "not settled: " + ids.stream()
                .map(tracker::history).toList());
        for (String id : ids) {
            List<RequestStatus> history = tracker.history(id);
            RequestStatus last = history.get(history.size() - 1);
            assertEquals(RequestState.FAILED, last.getState(), history::toString);
            assertFalse(last.getReason().isBlank(), "a failure says why");
            long attempts = history.stream().filter(s -> s.getState() == RequestState.UNLEARNED).count();
            assertEquals(2, attempts, "first the policy's method, then exact retraining: " + history);
            assertTrue(history.stream().filter(s -> s.getState() == RequestState.UNLEARNED)
                    .reduce((a, b) -> b).orElseThrow().getReason().contains("retrain"), history::toString);
        }
        JsonNode view = get("/models/" + IMPOSSIBLE);
        assertTrue(view.path("aliases").path("production").isMissingNode(), "a failed version is never promoted");
    }

    @Test
    @Order(4)
    void aKilledWorkerMakesExactlyOneVersionPerBatch() throws Exception {
        List<String> ids = sendSamples(CLASSIFIER, 10, "crash");
        awaitAnyState(ids, RequestState.BATCHED, Duration.ofMinutes(1));
        deployment.kill(Service.UNLEARN_WORKER);
        deployment.restart(Service.UNLEARN_WORKER, Duration.ofMinutes(3));
        // well within the killed instance's 5-minute session: the restarted one rejoins as the same static member
        assertTrue(tracker.awaitSettled(ids, Duration.ofMinutes(2)), () -> "not settled after the restart: " + ids);
        ids.forEach(id -> assertEquals(RequestState.VERIFIED, lastState(id), tracker.history(id)::toString));

        Map<String, Set<String>> versionsByBatchAttempt = new HashMap<>();
        for (CandidateVersion c : readAll(Topics.CANDIDATES.name(),
                AvroSerde.forTopic(Topics.CANDIDATES, schemas).deserializer())) {
            versionsByBatchAttempt.computeIfAbsent(c.getBatchId() + "#" + c.getAttempt(), k -> new HashSet<>())
                    .add(c.getVersionId());
        }
        versionsByBatchAttempt.forEach((batch, versions) -> assertEquals(1, versions.size(), batch + " " + versions));
        assertEquals("OK", get("/lineage/verify").path("status").asText());
    }

    @Test
    @Order(5)
    void aVerifierKilledMidCandidateJudgesEachCandidateExactlyOnceAfterItsRestart() throws Exception {
        // samples no version has forgotten yet (100, 107, ... are): otherwise no candidate is made at all
        List<String> ids = sendSamples(CLASSIFIER, 10, "verifier-crash", 103);
        // UNLEARNED: the candidate is on its topic, so the verifier is about to judge it or judging it
        awaitAnyState(ids, RequestState.UNLEARNED, Duration.ofMinutes(2));
        deployment.kill(Service.VERIFIER);
        deployment.restart(Service.VERIFIER, Duration.ofMinutes(3));
        assertTrue(tracker.awaitSettled(ids, Duration.ofMinutes(3)), () -> "not settled after the restart: " + ids);
        ids.forEach(id -> assertEquals(RequestState.VERIFIED, lastState(id), tracker.history(id)::toString));

        // exactly one committed verdict per candidate: the killed instance's open transaction was aborted
        Map<String, Integer> verdicts = new HashMap<>();
        for (VerificationResult r : readAll(Topics.VERIFICATIONS.name(),
                AvroSerde.forTopic(Topics.VERIFICATIONS, schemas).deserializer())) {
            verdicts.merge(r.getVersionId(), 1, Integer::sum);
        }
        verdicts.forEach((version, count) -> assertEquals(1, count, version + " judged " + count + " times"));
        assertEquals("OK", get("/lineage/verify").path("status").asText());
    }

    @Test
    @Order(6)
    void aRestartedRegistryGivesTheSameAnswers() {
        JsonNode models = get("/models");
        JsonNode classifier = get("/models/" + CLASSIFIER);
        deployment.restart(Service.MODEL_REGISTRY, Duration.ofMinutes(3));
        assertEquals(models, get("/models"));
        assertEquals(classifier, get("/models/" + CLASSIFIER));
        assertEquals("OK", get("/lineage/verify").path("status").asText());
    }

    @Test
    @Order(7)
    void tamperingWithAStoredArtifactIsNamedByTheChainCheck() throws IOException {
        JsonNode current = get("/models/" + CLASSIFIER);
        String production = current.path("aliases").path("production").asText();
        String digest = get("/models/" + CLASSIFIER + "/versions/" + production).path("artifactDigest").asText();
        Path artifact;
        try (var files = Files.walk(deployment.artifactDir())) {
            artifact = files.filter(p -> p.getFileName().toString().startsWith(digest)).findFirst().orElseThrow();
        }
        byte[] bytes = Files.readAllBytes(artifact);
        bytes[bytes.length / 2] ^= 1;
        Files.write(artifact, bytes);

        JsonNode check = get("/lineage/verify");
        assertEquals("BROKEN", check.path("status").asText(), check::toString);
        assertEquals(CLASSIFIER, check.path("break").path("modelId").asText(), check::toString);
        assertEquals(production, check.path("break").path("versionId").asText(), check::toString);
    }

    /**
     * The dual encoder's version that excludes the CLASS request no longer recognises the class zero-shot (its
     * parent did), and its forget pairs lost the edge training gave them in image-to-text retrieval.
     */
    private void assertDualEncoderForgotTheClass(DeletionScenario.Sent sent) {
        String classRequest = sent.scopes().entrySet().stream()
                .filter(e -> e.getValue() == DeletionScope.CLASS)
                .map(Map.Entry::getKey).filter(id -> tracker.latestByModel(id).containsKey(DUAL))
                .findFirst().orElseThrow();
        VerificationResult v = passedVerification(tracker.latestByModel(classRequest).get(DUAL).getVersionId());
        Map<String, Double> after = v.getMetrics();
        Map<String, Double> parent = v.getParentMetrics();
        assertTrue(parent.get("forget.zeroshot.accuracy") >= 0.8, parent::toString);
        assertTrue(after.get("forget.zeroshot.accuracy") <= 0.05, after::toString);
        assertTrue(after.get("forget.i2t.recall5") <= after.get("test.i2t.recall5"), after::toString);
    }

    private VerificationResult passedVerification(String versionId) {
        return readAll(Topics.VERIFICATIONS.name(), AvroSerde.forTopic(Topics.VERIFICATIONS, schemas).deserializer())
                .stream().filter(r -> r.getVersionId().equals(versionId) && r.getVerdict().name().equals("PASSED"))
                .findFirst().orElseThrow(() -> new AssertionError("no passing verification of " + versionId));
    }

    private List<String> sendSamples(String model, int count, String tag) {
        return sendSamples(model, count, tag, 100);
    }

    /** Sends {@code count} SAMPLES requests for samples {@code first}, {@code first + 7}, ... */
    private List<String> sendSamples(String model, int count, String tag, int first) {
        List<String> ids = new ArrayList<>();
        Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        try (KafkaProducer<String, DeletionRequest> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerde.forTopic(Topics.DELETION_REQUESTS, schemas).serializer())) {
            for (int i = 0; i < count; i++) {
                String id = tag + "-" + Instant.now().toEpochMilli() + "-" + i;
                ids.add(id);
                producer.send(new ProducerRecord<>(Topics.DELETION_REQUESTS.name(), id, DeletionRequest.newBuilder()
                        .setRequestId(id).setScope(DeletionScope.SAMPLES).setSampleIds(List.of(Integer.toString(
                                first + 7 * i))).setModelIds(List.of(model)).setRequestedAt(Instant.now()).build()));
            }
        }
        return ids;
    }

    private void awaitAnyState(List<String> ids, RequestState state, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (ids.stream().noneMatch(id -> tracker.history(id).stream().anyMatch(s -> s.getState() == state))) {
            assertTrue(System.nanoTime() < deadline, "no request reached " + state);
            tracker.awaitSettled(ids, Duration.ofMillis(200));
        }
    }

    private RequestState lastState(String id) {
        List<RequestStatus> history = tracker.history(id);
        return history.isEmpty() ? null : history.get(history.size() - 1).getState();
    }

    private String unsettled(DeletionScenario.Sent sent) {
        return sent.requestIds().stream().filter(id -> !tracker.settled(id))
                .map(id -> id + "=" + tracker.history(id)).collect(Collectors.joining("\n"));
    }

    private JsonNode get(String path) {
        return DeletionScenario.getJson(deployment.modelRegistryUrl() + path);
    }

    private <V> List<V> readAll(String topic, Deserializer<V> values) {
        Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<V> out = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(500))) {
                    out.add(record.value());
                }
            }
        }
        return out;
    }
}
