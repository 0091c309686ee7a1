package io.unlearn.schemas.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.localstack.Kafka;
import io.unlearn.localstack.NodeProject;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Node.js examples of {@code examples/node} run as an upstream system and an auditor would run them, against
 * SharedStack's broker and registry: the producer's record is a request the pipeline reads; the audit follower prints
 * one request's trail and nothing else.
 */
class UpstreamExamplesIT {

    private static final Duration NODE_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static SharedStack stack;
    private static NodeProject examples;
    private static RestSchemaRegistryClient registry;

    @BeforeAll
    static void installTheExamples() {
        stack = SharedStack.get();
        registry = new RestSchemaRegistryClient(stack.registryUrl());
        examples = NodeProject.at(Path.of(System.getProperty("basedir", "."), "..", "examples", "node"))
                .installed("kafkajs");
    }

    @Test
    void shouldSendARequestThePipelineReadsUnderItsIdAsKey() {
        // Given the request topic with the pipeline's schema registered under its subject
        String topic = Kafka.uniqueTopic(Topics.DELETION_REQUESTS.name());
        stack.createTopics(1, topic);
        registry.register(Topics.valueSubject(topic), DeletionRequest.getClassSchema());

        // When the example sends a SUBJECT request that leaves most fields to their defaults
        String printed = examples.run(NODE_TIMEOUT, List.of("node", "send-deletion-request.js",
                stack.bootstrapServers(), stack.registryUrl(), """
                        {"requestId":"ticket-1234","scope":"SUBJECT","subjectId":"user-42",
                         "reason":"GDPR Art. 17","deadline":1767409445678}""", topic));

        // Then the record is keyed by the request id and decodes as the pipeline decodes it
        assertTrue(printed.startsWith("sent ticket-1234 to " + topic), printed);
        ConsumerRecord<byte[], byte[]> record = Kafka.consume(stack.bootstrapServers(), topic, 1).get(0);
        assertEquals("ticket-1234", new String(record.key(), StandardCharsets.UTF_8));
        DeletionRequest read = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).deserialize(topic,
                record.value());
        assertEquals(DeletionScope.SUBJECT, read.getScope());
        assertEquals("user-42", read.getSubjectId());
        assertEquals(List.of(), read.getModelIds());
        assertEquals("GDPR Art. 17", read.getReason());
        assertEquals(Instant.ofEpochMilli(1_767_409_445_678L), read.getDeadline());
        assertTrue(Duration.between(read.getRequestedAt(), Instant.now()).abs().toMinutes() < 10,
                "requestedAt defaults to the time of sending: " + read.getRequestedAt());
    }

    @Test
    void shouldFollowOneRequestsTrailAcrossStatusesVerdictsAndLineage() throws Exception {
        // Given statuses of two requests, a verdict on the version that unlearned r-1, and its lineage event
        String statuses = Kafka.uniqueTopic(Topics.REQUEST_STATUS.name());
        String verifications = Kafka.uniqueTopic(Topics.VERIFICATIONS.name());
        String lineage = Kafka.uniqueTopic(Topics.LINEAGE.name());
        stack.createTopics(2, statuses, verifications, lineage);
        Instant now = Instant.now();
        AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, registry);
        for (String id : List.of("r-1", "r-2")) {
            for (RequestState state : List.of(RequestState.BATCHED, RequestState.VERIFIED)) {
                Kafka.send(stack.bootstrapServers(), statuses, id, statusSerde.serialize(statuses,
                        RequestStatus.newBuilder().setRequestId(id).setState(state).setModelId("m1")
                                .setBatchId("m1-0001").setStage("verifier").setAt(now).build()));
            }
        }
        Kafka.send(stack.bootstrapServers(), verifications, "m1", AvroSerde.forTopic(Topics.VERIFICATIONS, registry)
                .serialize(verifications, VerificationResult.newBuilder().setModelId("m1").setVersionId("v1")
                        .setBatchId("m1-0001").setRequestIds(List.of("r-1")).setVerdict(Verdict.PASSED)
                        .setChecks(List.of(new VerificationCheck("forget.accuracy", 0.1, "<=", 0.2, true)))
                        .setMetrics(Map.of("forget.accuracy", 0.1)).setReason("all checks passed")
                        .setVerifiedAt(now).build()));
        Kafka.send(stack.bootstrapServers(), lineage, "m1", AvroSerde.forTopic(Topics.LINEAGE, registry)
                .serialize(lineage, LineageEvent.newBuilder().setModelId("m1").setSequence(1)
                        .setType(LineageEventType.CANDIDATE_RECORDED).setVersionId("v1").setParentVersionId("base")
                        .setBatchId("m1-0001").setRequestIds(List.of("r-1")).setRecordedAt(now).build()));

        // When the audit follower is asked for r-1's trail
        String printed = examples.run(NODE_TIMEOUT, List.of("node", "follow-audit-trail.js", stack.bootstrapServers(),
                stack.registryUrl(), "--request", "r-1", "--topics", statuses + "," + verifications + "," + lineage));

        // Then it prints r-1's two statuses, the verdict and the lineage event, one JSON document each, and stops
        List<JsonNode> events = new ArrayList<>();
        for (String line : printed.strip().split("\n")) {
            events.add(JSON.readTree(line));
        }
        assertEquals(4, events.size(), printed);
        assertEquals(2, events.stream().filter(e -> e.path("topic").asText().equals(statuses)).count(), printed);
        assertTrue(events.stream().allMatch(e -> e.toString().contains("r-1") && !e.toString().contains("r-2")),
                printed);
        JsonNode verdict = events.stream().filter(e -> e.path("topic").asText().equals(verifications)).findFirst()
                .orElseThrow().path("record");
        assertEquals("PASSED", verdict.path("verdict").asText(), printed);
        assertEquals("forget.accuracy", verdict.path("checks").path(0).path("metric").asText(), printed);
        JsonNode event = events.stream().filter(e -> e.path("topic").asText().equals(lineage)).findFirst()
                .orElseThrow().path("record");
        assertEquals("CANDIDATE_RECORDED", event.path("type").asText(), printed);
    }
}
