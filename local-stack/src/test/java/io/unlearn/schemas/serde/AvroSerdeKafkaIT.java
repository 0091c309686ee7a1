package io.unlearn.schemas.serde;

import io.unlearn.localstack.Kafka;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.SchemaMismatchException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.DeletionRequest;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The serde through a real broker and a real registry (Apicurio): every contract, and every kind of bad bytes. */
class AvroSerdeKafkaIT {

    private static SharedStack stack;

    @BeforeAll
    static void startStack() {
        stack = SharedStack.get();
    }

    @Test
    void shouldRoundTripTheSampleOfEveryTopicThroughKafkaAndTheRegistry() {
        for (Topic<?> topic : Topics.ALL) {
            roundTrip(topic);
        }
    }

    private <V extends SpecificRecord> void roundTrip(Topic<V> topic) {
        // Given a producer-side serde and a consumer-side serde with separate registry clients (no shared cache)
        String name = Kafka.uniqueTopic(topic.name());
        stack.createTopics(1, name);
        AvroSerde<V> writer = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(stack.registryUrl()));
        AvroSerde<V> reader = AvroSerde.forTopic(topic, new RestSchemaRegistryClient(stack.registryUrl()));
        V sample = SampleRecords.forTopic(topic);

        // When the sample is produced and consumed
        Kafka.send(stack.bootstrapServers(), name, "k", writer.serialize(name, sample));
        List<ConsumerRecord<byte[], byte[]>> got = Kafka.consume(stack.bootstrapServers(), name, 1);

        // Then the consumer decodes an equal record
        assertEquals(1, got.size(), name);
        assertEquals(sample, reader.deserialize(name, got.get(0).value()), name);
    }

    @Test
    void shouldRejectJsonOnTheTopicAsAWrongMagicByte() {
        // Given a JSON value on the deletion-requests topic
        byte[] value = consumedBack("{\"requestId\":\"r1\"}".getBytes(StandardCharsets.UTF_8));

        // When / Then
        InvalidMagicByteException e = assertThrows(InvalidMagicByteException.class,
                () -> serde().deserialize("unlearning.deletion-requests", value));
        assertEquals("unlearning.deletion-requests: first byte is 0x7b, not magic byte 0x0 (JSON?); "
                + "was it produced without the Avro serializer?", e.getMessage());
    }

    @Test
    void shouldRejectAValueCutShortOnTheWayAsTruncated() {
        // Given a valid value missing its last 5 bytes
        AvroSerde<DeletionRequest> serde = serde();
        byte[] full = serde.serialize("unlearning.deletion-requests", SampleRecords.deletionRequest());
        byte[] value = consumedBack(Arrays.copyOf(full, full.length - 5));

        // When / Then
        TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
                () -> serde.deserialize("unlearning.deletion-requests", value));
        assertTrue(e.getMessage().contains("ends early"), e.getMessage());
    }

    @Test
    void shouldRejectAnIdTheRegistryNeverIssuedAsUnknownSchemaId() {
        // Given a value framed with schema id 987654
        byte[] value = consumedBack(WireFormat.frame(987_654, new byte[] {2, 'x'}));

        // When / Then the real registry's 404 (error 40403) becomes UnknownSchemaIdException
        UnknownSchemaIdException e = assertThrows(UnknownSchemaIdException.class,
                () -> serde().deserialize("unlearning.deletion-requests", value));
        assertTrue(e.getMessage().contains("/schemas/ids/987654") && e.getMessage().contains("HTTP 404"),
                e.getMessage());
    }

    @Test
    void shouldRejectAnotherRecordTypeAsAReaderWriterMismatch() {
        // Given a RequestStatus (registered under its own subject) produced to the deletion-requests topic
        RestSchemaRegistryClient client = new RestSchemaRegistryClient(stack.registryUrl());
        byte[] status = AvroSerde.forTopic(Topics.REQUEST_STATUS, client)
                .serialize(Topics.REQUEST_STATUS.name(), SampleRecords.requestStatus());
        byte[] value = consumedBack(status);

        // When it is read as a DeletionRequest / Then
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> serde().deserialize("unlearning.deletion-requests", value));
        assertTrue(e.getMessage().contains("(io.unlearn.schemas.v1.RequestStatus) cannot be read as "
                + "io.unlearn.schemas.v1.DeletionRequest"), e.getMessage());
    }

    private static AvroSerde<DeletionRequest> serde() {
        return AvroSerde.forTopic(Topics.DELETION_REQUESTS, new RestSchemaRegistryClient(stack.registryUrl()));
    }

    /** Sends {@code value} through a fresh topic and returns what a consumer got, checking it arrived unchanged. */
    private static byte[] consumedBack(byte[] value) {
        String topic = Kafka.uniqueTopic("it.bad-input");
        stack.createTopics(1, topic);
        Kafka.send(stack.bootstrapServers(), topic, "k", value);
        List<ConsumerRecord<byte[], byte[]>> got = Kafka.consume(stack.bootstrapServers(), topic, 1);
        assertEquals(1, got.size());
        assertArrayEquals(value, got.get(0).value());
        return got.get(0).value();
    }
}
