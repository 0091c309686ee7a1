package io.unlearn.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.UnlearningCost;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** What a restarted worker learns from the candidates topic, on the real broker and schema registry. */
class CommittedCandidatesIT {

    private final SharedStack stack = SharedStack.get();
    private final SchemaRegistryClient schemas = new RestSchemaRegistryClient(stack.registryUrl());
    private final AvroSerde<CandidateVersion> serde = new AvroSerde<>(CandidateVersion.class, schemas);
    private final String topic = "candidates-" + UUID.randomUUID();

    @Test
    void shouldFindEachModelsLastCommittedCandidateAndSkipAbortedOnes() throws Exception {
        // Given two models' candidates over three partitions: m1 v1 then v2 committed, then v3 aborted; m2 v7
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic + "-writer"),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            send(producer, candidate("m1", "v1", "m1-000001"));
            send(producer, candidate("m2", "v7", "m2-000001"));
            send(producer, candidate("m1", "v2", "m1-000002"));
            producer.commitTransaction();
            producer.beginTransaction();
            send(producer, candidate("m1", "v3", "m1-000003"));
            producer.flush();
            producer.abortTransaction();
        }

        // When a worker starts
        Map<String, CandidateVersion> last = CommittedCandidates.lastPerModel(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), topic,
                serde.deserializer(), Duration.ofSeconds(30));

        // Then it knows v2 of m1 and v7 of m2 as the candidates to wait for
        assertEquals(Map.of("m1", "v2", "m2", "v7"), last.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().getVersionId())));
    }

    @Test
    void shouldFindNothingOnAnEmptyTopic() throws Exception {
        try (Admin admin = Admin.create(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }

        assertEquals(Map.of(), CommittedCandidates.lastPerModel(
                Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()), topic,
                serde.deserializer(), Duration.ofSeconds(30)));
    }

    private void send(KafkaProducer<byte[], byte[]> producer, CandidateVersion c) {
        producer.send(new ProducerRecord<>(topic, c.getModelId().getBytes(StandardCharsets.UTF_8),
                serde.serialize(topic, c)));
    }

    private static CandidateVersion candidate(String modelId, String versionId, String batchId) {
        return CandidateVersion.newBuilder().setModelId(modelId).setVersionId(versionId).setParentVersionId("base")
                .setBatchId(batchId).setRequestIds(List.of("r-" + versionId)).setMethod("fine_tune")
                .setMethodSettings(Map.of()).setArtifactDigest("sha256:" + "0".repeat(64)).setDevice("cpu")
                .setCost(new UnlearningCost(1L, 1L, 1L)).setAttempt(0).setSeed(1L).setCreatedAt(Instant.now())
                .setSampleIds(List.of("1")).setClassLabels(List.of()).setRequests(List.of()).build();
    }
}
