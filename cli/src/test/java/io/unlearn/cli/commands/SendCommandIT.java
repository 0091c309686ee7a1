package io.unlearn.cli.commands;

import io.unlearn.cli.CliRun;
import io.unlearn.cli.ExitCodes;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code unlearn send} against SharedStack's real KRaft broker and Apicurio registry. */
class SendCommandIT {

    @TempDir
    Path dir;

    private SharedStack stack;
    private SchemaRegistryClient schemas;
    private String requestsTopic;
    private String statusTopic;

    @BeforeEach
    void setUp() {
        stack = SharedStack.get();
        schemas = new RestSchemaRegistryClient(stack.registryUrl());
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        requestsTopic = run + "deletion-requests";
        statusTopic = run + "request-status";
        stack.createTopics(3, requestsTopic, statusTopic);
    }

    private String[] send(Path file, String... more) {
        List<String> args = new ArrayList<>(List.of("send", file.toString(), "--topic", requestsTopic,
                "--status-topic", statusTopic, "--bootstrap-servers", stack.bootstrapServers(),
                "--schema-registry", stack.registryUrl(), "--progress-interval", "1s"));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    @Test
    void shouldSendTheValidLineInTheWireFormatKeyedByRequestIdAndReportTheInvalidLineByNumber() throws Exception {
        // Given a JSON-lines file with one valid and one invalid line
        Path file = dir.resolve("requests.jsonl");
        Files.writeString(file, """
                {"requestId":"r-ok","scope":"SAMPLES","sampleIds":["3","5"],"modelIds":["m1"],"reason":"takedown"}
                {"requestId":"r-bad","scope":"CLASS","modelIds":["m1"]}
                """);

        // When it is sent
        CliRun result = CliRun.of(send(file));

        // Then the invalid line is reported with its line number, and the exit code says a line was invalid
        assertEquals(ExitCodes.REJECTED, result.code(), result.toString());
        assertTrue(result.err().contains(file + ":2: scope CLASS needs classLabel"), result.toString());
        assertTrue(result.out().contains("sent 1 requests to " + requestsTopic), result.toString());

        // And the topic holds exactly the valid request: key = request id, Confluent wire format, decodable
        List<ConsumerRecord<byte[], byte[]>> records = TopicRecords.read(stack.bootstrapServers(), requestsTopic, 1);
        assertEquals(1, records.size());
        ConsumerRecord<byte[], byte[]> record = records.get(0);
        assertEquals("r-ok", new String(record.key(), StandardCharsets.UTF_8));
        assertEquals(0, record.value()[0], "magic byte");
        DeletionRequest request = AvroSerde.forTopic(Topics.DELETION_REQUESTS, schemas)
                .deserialize(requestsTopic, record.value());
        assertEquals("r-ok", request.getRequestId());
        assertEquals(DeletionScope.SAMPLES, request.getScope());
        assertEquals(List.of("3", "5"), request.getSampleIds());
        assertEquals(List.of("m1"), request.getModelIds());
        assertEquals("takedown", request.getReason());
        // ... and its schema is registered under the topic's value subject, as Confluent's serializer would do it
        assertEquals(Topics.valueSubject(requestsTopic), schemas.latest(Topics.valueSubject(requestsTopic)).subject());
    }

    @Test
    void shouldFollowTheStatusTopicUntilEachRequestSettlesAndSummariseWithReasons() throws Exception {
        // Given a CSV file of two valid requests
        Path file = dir.resolve("requests.csv");
        Files.writeString(file, """
                requestId,scope,subjectId,sampleIds,modelIds,reason
                r-a,SAMPLES,,1;2,m1,takedown
                r-b,SAMPLES,,9,no-such-model,"typo, in the model id"
                """);

        // When they are sent with --wait, and the pipeline answers on the status topic
        CompletableFuture<CliRun> running = CompletableFuture.supplyAsync(
                () -> CliRun.of(send(file, "--wait", "--until", "BATCHED", "--timeout", "90s")));
        TopicRecords.read(stack.bootstrapServers(), requestsTopic, 2);
        Instant now = Instant.now();
        AvroSerde<RequestStatus> statusSerde = AvroSerde.forTopic(Topics.REQUEST_STATUS, schemas);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new StringSerializer(), new ByteArraySerializer())) {
            for (RequestStatus s : List.of(
                    status("r-a", RequestState.RECEIVED, null, "", now),
                    status("r-b", RequestState.REJECTED, null, "model id 'no-such-model' is not known", now),
                    status("r-a", RequestState.BATCHED, "m1", "", now))) {
                producer.send(new ProducerRecord<>(statusTopic, s.getRequestId(),
                        statusSerde.serialize(statusTopic, s)));
            }
        }
        CliRun result = running.get(120, TimeUnit.SECONDS);

        // Then it prints the rejected request with its reason and the counts, and exits with 3
        assertEquals(ExitCodes.REJECTED, result.code(), result.toString());
        assertTrue(result.out().contains("r-b") && result.out().contains("model id 'no-such-model' is not known"),
                result.toString());
        assertTrue(result.out().contains("accepted 1, duplicate 0, no models affected 0, rejected 1, failed 0,"
                + " pending 0"), result.toString());
    }

    private static RequestStatus status(String id, RequestState state, String model, String reason, Instant at) {
        return RequestStatus.newBuilder().setRequestId(id).setState(state).setModelId(model).setReason(reason)
                .setStage("stream-processor").setAt(at).build();
    }
}
