package io.unlearn.schemas.interop;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.localstack.Kafka;
import io.unlearn.localstack.NodeProject;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.SamplePair;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Confluent's own serde ({@code @confluentinc/schemaregistry} for Node.js, run as a child process) and ours,
 * through the same registry and broker, in both directions. This is the test that an upstream system using
 * Confluent's client can send deletion requests, and that audit consumers using it can read our topics.
 *
 * <p>Needs {@code node} and {@code npm} on the PATH (README prerequisites); installs the locked packages with
 * {@code npm ci} on the first run.
 */
class ConfluentInteropIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration NODE_TIMEOUT = Duration.ofSeconds(120);

    private static SharedStack stack;
    private static NodeProject nodeScripts;

    @BeforeAll
    static void installNodePackages() throws Exception {
        stack = SharedStack.get();
        nodeScripts = NodeProject.ofTests().installed("@confluentinc/schemaregistry");
    }

    @Test
    void shouldReadADeletionRequestSerializedByConfluentsNodeSerializerFieldByField() throws Exception {
        // Given our schema registered under the topic's subject (the Node serializer uses the latest version)
        String topic = Kafka.uniqueTopic(Topics.DELETION_REQUESTS.name());
        stack.createTopics(1, topic);
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        client.register(Topics.valueSubject(topic), DeletionRequest.getClassSchema());
        String record = """
                {"requestId":"req-node-1","scope":"PAIRS","subjectId":"user-7","sampleIds":["s-8","s-9"],
                 "classLabel":null,"pairs":[{"imageId":"img-3","captionId":"cap-3"}],"modelIds":["clip-small"],
                 "reason":"takedown #77 — ünïcode","requestedAt":1767323045678,"deadline":1767409445678}""";

        // When Node serializes it and the bytes travel through Kafka
        byte[] bytes = HexFormat.of().parseHex(nodeScripts.run(NODE_TIMEOUT,
                List.of("node", "interop.js", "serialize", stack.registryUrl(), topic, record)).trim());
        Kafka.send(stack.bootstrapServers(), topic, "req-node-1", bytes);
        List<ConsumerRecord<byte[], byte[]>> got = Kafka.consume(stack.bootstrapServers(), topic, 1);

        // Then AvroSerde reads every field as Node wrote it
        DeletionRequest read = AvroSerde.forTopic(Topics.DELETION_REQUESTS, new RestSchemaRegistryClient(
                stack.registryUrl())).deserialize(topic, got.get(0).value());
        assertEquals("req-node-1", read.getRequestId());
        assertEquals(DeletionScope.PAIRS, read.getScope());
        assertEquals("user-7", read.getSubjectId());
        assertEquals(List.of("s-8", "s-9"), read.getSampleIds());
        assertEquals(null, read.getClassLabel());
        assertEquals(List.of(new SamplePair("img-3", "cap-3")), read.getPairs());
        assertEquals(List.of("clip-small"), read.getModelIds());
        assertEquals("takedown #77 — ünïcode", read.getReason());
        assertEquals(Instant.ofEpochMilli(1_767_323_045_678L), read.getRequestedAt());
        assertEquals(Instant.ofEpochMilli(1_767_409_445_678L), read.getDeadline());
    }

    @Test
    void shouldLetConfluentsNodeDeserializerReadADeletionRequestWrittenByAvroSerde() throws Exception {
        // Given a DeletionRequest written by AvroSerde and sent through Kafka
        String topic = Kafka.uniqueTopic(Topics.DELETION_REQUESTS.name());
        stack.createTopics(1, topic);
        DeletionRequest sample = SampleRecords.deletionRequest();
        byte[] written = AvroSerde.forTopic(Topics.DELETION_REQUESTS, new RestSchemaRegistryClient(stack.registryUrl()))
                .serialize(topic, sample);
        Kafka.send(stack.bootstrapServers(), topic, sample.getRequestId(), written);
        byte[] consumed = Kafka.consume(stack.bootstrapServers(), topic, 1).get(0).value();

        // When Node deserializes the consumed bytes
        JsonNode node = JSON.readTree(nodeScripts.run(NODE_TIMEOUT, List.of("node", "interop.js", "deserialize",
                stack.registryUrl(), topic, HexFormat.of().formatHex(consumed))));

        // Then every field matches; timestamps arrive in JS as epoch-millisecond numbers
        assertEquals(sample.getRequestId(), node.get("requestId").asText());
        assertEquals("SUBJECT", node.get("scope").asText());
        assertEquals("user-42", node.get("subjectId").asText());
        assertEquals(List.of("s-1", "s-2"), texts(node.get("sampleIds")));
        assertEquals(7, node.get("classLabel").asInt());
        assertEquals("img-1", node.get("pairs").get(0).get("imageId").asText());
        assertEquals("cap-1", node.get("pairs").get(0).get("captionId").asText());
        assertEquals(List.of("fmnist-classifier"), texts(node.get("modelIds")));
        assertEquals(sample.getReason(), node.get("reason").asText());
        assertTrue(node.get("requestedAt").isIntegralNumber(), node.toString());
        assertEquals(sample.getRequestedAt().toEpochMilli(), node.get("requestedAt").asLong());
        assertEquals(sample.getDeadline().toEpochMilli(), node.get("deadline").asLong());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
