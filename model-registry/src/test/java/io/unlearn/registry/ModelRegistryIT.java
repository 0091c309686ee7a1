package io.unlearn.registry;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.localstack.SharedStack;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registrationJson;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The registry against a real KRaft broker and a real Apicurio registry (SharedStack): REST registration,
 * candidates and verdicts from their topics, the hash-chained lineage topic, the manifest, a restart that rebuilds
 * the same answers without re-recording anything, and tamper detection.
 */
class ModelRegistryIT {

    @TempDir
    Path artifactDir;

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private SharedStack stack;
    private SchemaRegistryClient schemas;
    private ModelRegistryConfig config;
    private RegistryInputs inputs;

    @BeforeEach
    void setUp() {
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        config = ModelRegistryConfig.load(InJvmModelRegistry.settings(stack, artifactDir, run));
        inputs = new RegistryInputs(stack.bootstrapServers(), config, schemas);
        toClose.add(inputs);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    private ModelRegistry startRegistry() {
        ModelRegistry registry = ModelRegistry.start(config, schemas);
        toClose.add(registry);
        return registry;
    }

    @Test
    void shouldRecordAPassedVersionLinkTheLineageAndAnswerTheSameAfterARestart() throws Exception {
        // Given a running registry with a registered base model
        ModelRegistry first = startRegistry();
        RegistryHttp registry = new RegistryHttp(first);
        HttpResponse<String> created = registry.post("/models", registrationJson("m1", "base weights"));
        assertEquals(201, created.statusCode(), created.body());

        // When the worker stores a candidate artifact and publishes the candidate, and the verifier passes it
        String digest = new DirectoryArtifactStore(artifactDir)
                .put(new ByteArrayInputStream("v1 weights".getBytes(StandardCharsets.UTF_8)));
        inputs.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));
        inputs.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        // Then production moves to v1
        JsonNode alias = registry.await("/models/m1/aliases/production", r -> r.statusCode() == 200);
        assertEquals("v1", alias.get("versionId").asText());

        // And the lineage topic holds the four events, each linked to the previous one by its hash
        List<LineageEvent> lineage = readLineage(4);
        assertEquals(List.of(LineageEventType.BASE_REGISTERED, LineageEventType.CANDIDATE_RECORDED,
                LineageEventType.VERIFICATION_RECORDED, LineageEventType.ALIAS_MOVED),
                lineage.stream().map(LineageEvent::getType).toList());
        assertNull(lineage.get(0).getPreviousEventHash());
        for (int i = 1; i < lineage.size(); i++) {
            assertEquals(i, lineage.get(i).getSequence());
            assertEquals(LineageHashes.hash(lineage.get(i - 1)), lineage.get(i).getPreviousEventHash());
        }

        // And the REST answers agree
        JsonNode version = registry.getJson("/models/m1/versions/v1");
        JsonNode request = registry.getJson("/requests/r-1");
        assertEquals("PASSED", version.get("status").asText());
        assertEquals(digest, version.get("artifactDigest").asText());
        assertEquals("v1", request.get("models").get(0).get("firstExcludingVersion").get("versionId").asText());

        // And the training manifest got one entry per subject
        Map<String, ManifestEntry> manifest = readManifest(2);
        assertEquals(List.of(new ModelSamples("m1", "base", List.of("0", "1"))),
                manifest.get("user-1").getModels());
        assertEquals(List.of(new ModelSamples("m1", "base", List.of("2"))), manifest.get("user-2").getModels());

        // When the registry restarts on the same topics and artifact directory
        String before = registry.getBody("/models/m1") + registry.getBody("/models/m1/versions/v1")
                + registry.getBody("/requests/r-1");
        first.close();
        RegistryHttp restarted = new RegistryHttp(startRegistry());

        // Then it answers the same from the rebuilt state
        String after = restarted.getBody("/models/m1") + restarted.getBody("/models/m1/versions/v1")
                + restarted.getBody("/requests/r-1");
        assertEquals(before, after);

        // And it does not record the consumed inputs again: the next candidate follows directly on event 3
        inputs.candidate(candidate("m1", "v2", "v1", "m1-0002", digest, "r-2"));
        restarted.await("/models/m1/versions/v2", r -> r.statusCode() == 200);
        List<LineageEvent> afterRestart = readLineage(5);
        assertEquals(5, afterRestart.size());
        assertEquals(4, afterRestart.get(4).getSequence());
        assertEquals(LineageHashes.hash(afterRestart.get(3)), afterRestart.get(4).getPreviousEventHash());
        // ... because each input's offset was committed in the transaction that recorded it
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(config.registryId())
                    .partitionsToOffsetAndMetadata().get();
            assertEquals(2, committed.get(new TopicPartition(config.candidatesTopic(), 0)).offset());
            assertEquals(1, committed.get(new TopicPartition(config.verificationsTopic(), 0)).offset());
        }

        // When someone overwrites v1's stored artifact
        assertEquals("OK", restarted.getJson("/lineage/verify").get("status").asText());
        Files.writeString(artifactDir.resolve(digest.substring(0, 2)).resolve(digest), "tampered");

        // Then the lineage check names the version
        JsonNode verify = restarted.getJson("/lineage/verify");
        assertEquals("BROKEN", verify.get("status").asText());
        assertEquals("v1", verify.get("break").get("versionId").asText());
        assertTrue(verify.get("break").get("problem").asText().contains("was altered"), verify.toString());
    }

    @Test
    void shouldKeepTheAliasAfterAFailedVerificationAndDeadLetterWhatItCannotRead() throws Exception {
        // Given two models registered back to back, trained on the same subjects
        RegistryHttp registry = new RegistryHttp(startRegistry());
        assertEquals(201, registry.post("/models", registrationJson("m2", "base")).statusCode());
        assertEquals(201, registry.post("/models", registrationJson("m3", "other base")).statusCode());
        String digest = new DirectoryArtifactStore(artifactDir)
                .put(new ByteArrayInputStream("v1".getBytes(StandardCharsets.UTF_8)));

        // When bytes that are not Avro arrive, then a FAILED verdict before its candidate, then the candidate
        inputs.publish(config.candidatesTopic(), "m2", "{\"json\": true}".getBytes(StandardCharsets.UTF_8));
        inputs.verification(verification("m2", "v1", "m2-0001", Verdict.FAILED, "r-1"));
        inputs.candidate(candidate("m2", "v1", "base", "m2-0001", digest, "r-1"));
        inputs.status(RequestStatus.newBuilder().setRequestId("r-1")
                        .setState(RequestState.BATCHED).setModelId("m2").setBatchId("m2-0001")
                        .setStage("stream-processor").setAt(RegistryFixtures.T0).build());

        // Then the verdict is recorded once its candidate is, and production is not moved
        JsonNode version = registry.await("/models/m2/versions/v1",
                r -> r.statusCode() == 200 && r.body().contains("\"FAILED\""));
        assertEquals("FAILED", version.get("verification").get("verdict").asText());
        HttpResponse<String> alias = registry.get("/models/m2/aliases/production");
        assertEquals(404, alias.statusCode());
        assertTrue(alias.body().contains("no version has passed verification yet"), alias.body());
        JsonNode request = registry.await("/requests/r-1", r -> r.body().contains("BATCHED"));
        assertTrue(request.get("models").get(0).get("firstExcludingVersion").isNull(), request.toString());
        assertEquals("BATCHED", request.get("history").get(0).get("state").asText());

        // And the manifest entry of each shared subject names both models (the second merged with the first)
        Map<String, ManifestEntry> manifest = readManifest(4);
        assertEquals(List.of("m2", "m3"), manifest.get("user-1").getModels().stream()
                .map(ModelSamples::getModelId).toList());

        // And the undecodable record went to the dead-letter topic, untouched and labelled
        ConsumerRecord<byte[], byte[]> dead = readAll(config.deadLetterTopic(), 1).get(0);
        assertEquals("{\"json\": true}", new String(dead.value(), StandardCharsets.UTF_8));
        assertEquals(config.candidatesTopic(), DeadLetterHeaders.text(dead.headers(), DeadLetterHeaders.TOPIC));
    }

    // ------------------------------------------------------------------ helpers

    private List<LineageEvent> readLineage(int expected) {
        AvroSerde<LineageEvent> serde = AvroSerde.forTopic(Topics.LINEAGE, schemas);
        return readAll(config.lineageTopic(), expected).stream()
                .map(r -> serde.deserialize(r.topic(), r.value())).toList();
    }

    private Map<String, ManifestEntry> readManifest(int expected) {
        AvroSerde<ManifestEntry> serde = AvroSerde.forTopic(Topics.TRAINING_MANIFEST, schemas);
        Map<String, ManifestEntry> latest = new HashMap<>();
        readAll(config.trainingManifestTopic(), expected).forEach(r ->
                latest.put(new String(r.key(), StandardCharsets.UTF_8), serde.deserialize(r.topic(), r.value())));
        return latest;
    }

    /** Every committed record of a one-partition topic, waiting until at least {@code expected} are there. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + RegistryHttp.WAIT.toNanos();
            while (System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                if (records.size() >= expected && consumer.position(tp) >= consumer.endOffsets(List.of(tp)).get(tp)) {
                    break;
                }
            }
        }
        assertTrue(records.size() >= expected, "expected " + expected + " records on " + topic + ", got "
                + records.size());
        return records;
    }
}
