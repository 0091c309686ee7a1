package io.unlearn.cli.commands;

import io.unlearn.cli.CliRun;
import io.unlearn.cli.ExitCodes;
import io.unlearn.localstack.SharedStack;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code unlearn dlq list} and {@code replay} against SharedStack's real KRaft broker. */
class DlqCommandIT {

    private SharedStack stack;
    private String deadLetterTopic;
    private String sourceTopic;

    @BeforeEach
    void setUp() {
        stack = SharedStack.get();
        String run = "it." + UUID.randomUUID().toString().substring(0, 8) + ".";
        deadLetterTopic = run + "dead-letter";
        sourceTopic = run + "deletion-requests";
        stack.createTopics(1, deadLetterTopic, sourceTopic);
    }

    private String[] dlq(String... args) {
        List<String> all = new ArrayList<>(List.of("dlq"));
        all.addAll(List.of(args));
        all.addAll(List.of("--topic", deadLetterTopic, "--bootstrap-servers", stack.bootstrapServers()));
        return all.toArray(String[]::new);
    }

    @Test
    void shouldListADeadLetterWithItsErrorHeadersAndReplayItsOriginalRecordToItsSourceTopic() throws Exception {
        // Given a record a stage could not decode, dead-lettered the way the stages do it
        RecordHeaders original = new RecordHeaders();
        original.add("trace-id", "t-42".getBytes(StandardCharsets.UTF_8));
        byte[] key = "r-9".getBytes(StandardCharsets.UTF_8);
        byte[] value = "{\"requestId\": \"r-9\"}".getBytes(StandardCharsets.UTF_8);
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>(sourceTopic, 0, 5L, 0L, TimestampType.CREATE_TIME,
                key.length, value.length, key, value, original, Optional.empty());
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers()),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(DeadLetterHeaders.deadLetterRecord(deadLetterTopic, failed, new IllegalStateException(
                    sourceTopic + "/0@5: first byte is 0x7b, not magic byte 0x0 (JSON?)"))).get();
        }

        // When the dead letters are listed
        CliRun list = CliRun.of(dlq("list"));

        // Then the entry shows where it came from, the exception, its message and the key
        assertEquals(ExitCodes.OK, list.code(), list.toString());
        String row = list.out().lines().filter(l -> l.startsWith("0@0")).findFirst()
                .orElseThrow(() -> new AssertionError(list.toString()));
        assertTrue(row.contains(sourceTopic + "/0@5") && row.contains("IllegalStateException") && row.contains("r-9")
                && row.contains("not magic byte 0x0"), row);
        assertTrue(list.out().contains("1 dead letters in " + deadLetterTopic), list.toString());
        CliRun verbose = CliRun.of(dlq("list", "--verbose"));
        assertTrue(verbose.out().contains(DeadLetterHeaders.EXCEPTION_STACKTRACE + ": java.lang.IllegalStateException"),
                verbose.toString());

        // When it is replayed
        CliRun replay = CliRun.of(dlq("replay", "0@0"));

        // Then the source topic gets the original key, value and headers, without the error headers
        assertEquals(ExitCodes.OK, replay.code(), replay.toString());
        assertTrue(replay.out().contains("replayed 0@0 -> " + sourceTopic + "/0@0 (key r-9)"), replay.toString());
        ConsumerRecord<byte[], byte[]> replayed = TopicRecords.read(stack.bootstrapServers(), sourceTopic, 1).get(0);
        assertArrayEquals(key, replayed.key());
        assertArrayEquals(value, replayed.value());
        assertEquals("t-42", DeadLetterHeaders.text(replayed.headers(), "trace-id"));
        assertNull(DeadLetterHeaders.text(replayed.headers(), DeadLetterHeaders.EXCEPTION_CLASS));
        assertTrue(StreamSupport.stream(replayed.headers().spliterator(), false)
                .noneMatch(h -> h.key().startsWith(DeadLetterHeaders.PREFIX)));
    }

    @Test
    void shouldReplayNothingWhenAnEntryIsUnknown() {
        CliRun replay = CliRun.of(dlq("replay", "0@99"));

        assertEquals(ExitCodes.NOT_FOUND, replay.code(), replay.toString());
        assertTrue(replay.err().contains("no dead letter at 0@99"), replay.toString());
    }
}
