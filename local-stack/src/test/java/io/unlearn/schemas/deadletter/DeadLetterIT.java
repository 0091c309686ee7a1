package io.unlearn.schemas.deadletter;

import io.unlearn.localstack.Kafka;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.registry.RestSchemaRegistryClient;
import io.unlearn.schemas.serde.AvroSerde;
import io.unlearn.schemas.serde.WireFormat;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.DeletionRequest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Poison pills on a real broker: a running Kafka Streams app and a plain consumer each park the bad records on
 * the dead-letter topic, untouched and labelled, and go on processing the good ones.
 */
class DeadLetterIT {

    private static SharedStack stack;
    private static byte[] good1;
    private static byte[] good2;
    private static byte[] json;
    private static byte[] truncated;
    private static byte[] unknownId;

    @BeforeAll
    static void given() {
        stack = SharedStack.get();
        AvroSerde<DeletionRequest> serde = serde();
        DeletionRequest first = SampleRecords.deletionRequest();
        DeletionRequest second = DeletionRequest.newBuilder(first).setRequestId("req-0002").build();
        good1 = serde.serialize(Topics.DELETION_REQUESTS.name(), first);
        good2 = serde.serialize(Topics.DELETION_REQUESTS.name(), second);
        json = "{\"requestId\":\"req-json\"}".getBytes(StandardCharsets.UTF_8);
        truncated = Arrays.copyOf(good1, good1.length - 5);
        unknownId = WireFormat.frame(987_655, Arrays.copyOfRange(good1, WireFormat.HEADER_LENGTH, good1.length));
    }

    @Test
    void shouldParkEachPoisonPillOfAStreamsAppWithItsBytesAndHeadersAndCarryOn() throws Exception {
        // Given a Streams app (exactly-once) reading deletion requests with the dead-letter handler
        String input = Kafka.uniqueTopic("it.streams-in");
        String output = Kafka.uniqueTopic("it.streams-out");
        String deadLetters = Kafka.uniqueTopic("it.streams-dead-letter");
        stack.createTopics(1, input, output, deadLetters);
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(input, Consumed.with(Serdes.String(), serde()))
                .mapValues(DeletionRequest::getRequestId)
                .to(output, Produced.with(Serdes.String(), Serdes.String()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "it-dead-letter-" + UUID.randomUUID());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("it-streams").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
                DeadLetterDeserializationExceptionHandler.class);
        props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, deadLetters);

        // When good and bad records arrive, interleaved
        produceAll(input);
        List<ConsumerRecord<byte[], byte[]>> outputs;
        List<ConsumerRecord<byte[], byte[]>> letters;
        try (KafkaStreams streams = new KafkaStreams(builder.build(), props)) {
            streams.start();
            outputs = Kafka.consume(stack.bootstrapServers(), output, 2);
            letters = Kafka.consume(stack.bootstrapServers(), deadLetters, 3);
            // Then the app is still running after the bad records
            assertEquals(KafkaStreams.State.RUNNING, streams.state());
        }

        // Then both good records were processed and each bad one was dead-lettered
        assertEquals(List.of("req-0001", "req-0002"),
                outputs.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList());
        assertDeadLetters(input, letters);
    }

    @Test
    void shouldParkEachPoisonPillOfAPlainConsumerWithItsBytesAndHeadersAndCarryOn() throws Exception {
        // Given a plain consumer loop that uses the publisher for undecodable records
        String input = Kafka.uniqueTopic("it.consumer-in");
        String deadLetters = Kafka.uniqueTopic("it.consumer-dead-letter");
        stack.createTopics(1, input, deadLetters);
        produceAll(input);
        AvroSerde<DeletionRequest> serde = serde();
        List<String> processed = new ArrayList<>();

        // When it consumes the five records
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(stack.bootstrapServers());
             KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                     ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
                     ConsumerConfig.GROUP_ID_CONFIG, "it-" + UUID.randomUUID(),
                     ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                     ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false),
                     new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            DeadLetterPublisher publisher = new DeadLetterPublisher(producer, deadLetters);
            consumer.subscribe(List.of(input));
            int seen = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (seen < 5 && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(Duration.ofMillis(200))) {
                    seen++;
                    try {
                        processed.add(serde.deserialize(raw.topic(), raw.value()).getRequestId());
                    } catch (SchemaContractException e) {
                        publisher.publish(raw, e);
                    }
                }
                consumer.commitSync();
            }
        }

        // Then the good records were processed and the bad ones are on the dead-letter topic
        assertEquals(List.of("req-0001", "req-0002"), processed);
        assertDeadLetters(input, Kafka.consume(stack.bootstrapServers(), deadLetters, 3));
    }

    /** Offsets 0..4: good, JSON, truncated, unknown id, good; each carries header traceparent=t-offset. */
    private static void produceAll(String topic) throws Exception {
        byte[][] values = {good1, json, truncated, unknownId, good2};
        try (KafkaProducer<byte[], byte[]> producer = Kafka.producer(stack.bootstrapServers())) {
            for (int i = 0; i < values.length; i++) {
                RecordHeaders headers = new RecordHeaders();
                headers.add("traceparent", ("t-" + i).getBytes(StandardCharsets.UTF_8));
                producer.send(new ProducerRecord<>(topic, null, ("key-" + i).getBytes(StandardCharsets.UTF_8),
                        values[i], headers)).get();
            }
        }
    }

    private static void assertDeadLetters(String input, List<ConsumerRecord<byte[], byte[]>> letters) {
        assertEquals(3, letters.size(), "dead letters");
        Object[][] expected = {
                {1, json, InvalidMagicByteException.class, "first byte is 0x7b"},
                {2, truncated, TruncatedPayloadException.class, "ends early"},
                {3, unknownId, UnknownSchemaIdException.class, "/schemas/ids/987655"}};
        for (int i = 0; i < expected.length; i++) {
            ConsumerRecord<byte[], byte[]> letter = letters.get(i);
            int offset = (int) expected[i][0];
            assertArrayEquals(("key-" + offset).getBytes(StandardCharsets.UTF_8), letter.key());
            assertArrayEquals((byte[]) expected[i][1], letter.value(), "value bytes must be untouched");
            assertEquals("t-" + offset, DeadLetterHeaders.text(letter.headers(), "traceparent"));
            assertEquals(((Class<?>) expected[i][2]).getName(),
                    DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS));
            String message = DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE);
            assertTrue(message.contains((String) expected[i][3]), message);
            assertTrue(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_STACKTRACE)
                    .startsWith(((Class<?>) expected[i][2]).getName()));
            assertEquals(input, DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.TOPIC));
            assertEquals("0", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.PARTITION));
            assertEquals(Integer.toString(offset), DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.OFFSET));
        }
    }

    private static AvroSerde<DeletionRequest> serde() {
        return AvroSerde.forTopic(Topics.DELETION_REQUESTS, new RestSchemaRegistryClient(stack.registryUrl()));
    }
}
