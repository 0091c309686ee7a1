package io.unlearn.cli.commands;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.cli.CliRun;
import io.unlearn.cli.ExitCodes;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code unlearn audit} on SharedStack's broker: the three topics an auditor follows, read back as one trail. */
class AuditCommandIT {

    private SharedStack stack;
    private String statuses;
    private String verifications;
    private String lineage;

    @BeforeEach
    void setUp() throws Exception {
        stack = SharedStack.get();
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        statuses = run + "request-status";
        verifications = run + "verifications";
        lineage = run + "lineage";
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                stack.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(statuses, 2, (short) 1), new NewTopic(verifications, 1, (short) 1),
                    new NewTopic(lineage, 1, (short) 1))).all().get();
        }
    }

    @Test
    void shouldPrintTheTrailOfOneRequestAcrossStatusesVerdictsAndLineage() throws Exception {
        // Given statuses of two requests, a verdict on the version that unlearned r-7, and its lineage event
        SchemaRegistryClient schemas = new RestSchemaRegistryClient(stack.registryUrl());
        Instant now = Instant.now();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas);
            for (String id : List.of("r-7", "r-8")) {
                for (RequestState state : List.of(RequestState.BATCHED, RequestState.VERIFIED)) {
                    producer.send(new ProducerRecord<>(statuses, id, statusSerde.serialize(statuses,
                            RequestStatus.newBuilder().setRequestId(id).setState(state).setModelId("m7")
                                    .setBatchId("m7-0001").setVersionId(state == RequestState.VERIFIED ? "v1" : null)
                                    .setStage("verifier").setAt(now).build()))).get();
                }
            }
            producer.send(new ProducerRecord<>(verifications, "m7", AvroSerde.forTopic(Topics.VERIFICATIONS, schemas)
                    .serialize(verifications, verification("m7", "v1", "m7-0001", Verdict.PASSED, "r-7")))).get();
            producer.send(new ProducerRecord<>(lineage, "m7", AvroSerde.forTopic(Topics.LINEAGE, schemas)
                    .serialize(lineage, LineageEvent.newBuilder().setModelId("m7").setSequence(1)
                            .setType(LineageEventType.CANDIDATE_RECORDED).setVersionId("v1")
                            .setParentVersionId("base").setBatchId("m7-0001").setRequestIds(List.of("r-7"))
                            .setArtifactDigest("ab".repeat(32)).setPreviousEventHash("cd".repeat(32))
                            .setRecordedAt(now).build()))).get();
        }
        String[] connection = {"--bootstrap-servers", stack.bootstrapServers(), "--schema-registry",
                stack.registryUrl(), "--status-topic", statuses, "--verifications-topic", verifications,
                "--lineage-topic", lineage};

        // When the trail of r-7 is asked for
        CliRun trail = CliRun.of(concat(new String[] {"audit", "--request", "r-7"}, connection));

        // Then it shows its two statuses, the PASSED verdict with its checks, and the lineage event, and nothing of r-8
        assertEquals(ExitCodes.OK, trail.code(), trail.toString());
        List<String> lines = trail.out().lines().toList();
        assertEquals(2, lines.stream().filter(l -> l.contains(" status ") && l.contains("r-7")).count(), trail::out);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" verification m7 v1 PASSED requests=1")
                && l.contains("forget.accuracy 0.1000 <= 0.2 ok")), trail::out);
        assertTrue(lines.stream().anyMatch(l -> l.contains(" lineage ") && l.contains("m7 #1 CANDIDATE_RECORDED v1")),
                trail::out);
        assertFalse(trail.out().contains("r-8"), trail::out);
        assertEquals("4 events about request r-7", lines.get(lines.size() - 1));

        // When the whole trail is asked for as JSON, then every line is a JSON document naming its topic
        CliRun all = CliRun.of(concat(new String[] {"audit", "--json"}, connection));
        assertEquals(ExitCodes.OK, all.code(), all.toString());
        ObjectMapper json = new ObjectMapper();
        List<String> documents = all.out().lines().toList();
        assertEquals(6, documents.size(), all::out);
        for (String document : documents) {
            JsonNode node = json.readTree(document);
            assertTrue(List.of(statuses, verifications, lineage).contains(node.path("topic").asText()), document);
            assertTrue(node.path("record").isObject(), document);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
