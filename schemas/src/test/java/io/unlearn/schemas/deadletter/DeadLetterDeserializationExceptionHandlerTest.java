package io.unlearn.schemas.deadletter;

import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.RegistryUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterDeserializationExceptionHandlerTest {

    private static final byte[] KEY = "req-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = "{not avro".getBytes(StandardCharsets.UTF_8);

    @Test
    void shouldResumeWithTheUntouchedBytesAndErrorHeadersOnTheConfiguredTopic() {
        // Given a handler configured with a custom dead-letter topic and a record with a header of its own
        DeadLetterDeserializationExceptionHandler handler = new DeadLetterDeserializationExceptionHandler();
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "ops.dead"));
        ConsumerRecord<byte[], byte[]> record = record();

        // When the record fails to deserialize
        Response response = handler.handleError(new Context(record),
                record, new InvalidMagicByteException("bad first byte", new IOException("inner")));

        // Then the stream resumes and one dead letter carries the bytes, old headers and error headers
        assertEquals(Result.RESUME, response.result());
        assertEquals(1, response.deadLetterQueueRecords().size());
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertEquals("ops.dead", letter.topic());
        assertArrayEquals(KEY, letter.key());
        assertArrayEquals(VALUE, letter.value());
        assertEquals("trace-1", DeadLetterHeaders.text(letter.headers(), "traceparent"));
        assertEquals(InvalidMagicByteException.class.getName(),
                DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS));
        assertEquals("bad first byte", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE));
        assertTrue(DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_STACKTRACE)
                .contains("Caused by: java.io.IOException: inner"));
        assertEquals("unlearning.deletion-requests", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.TOPIC));
        assertEquals("2", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.PARTITION));
        assertEquals("1812", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.OFFSET));
        assertEquals(1, record.headers().toArray().length, "the original record's headers must not change");
    }

    @Test
    void shouldDefaultToTheUnlearningDeadLetterTopic() {
        DeadLetterDeserializationExceptionHandler handler = new DeadLetterDeserializationExceptionHandler();
        handler.configure(Map.of());
        assertEquals("unlearning.dead-letter", handler.deadLetterTopic());
    }

    @Test
    void shouldFailTheTaskWithoutADeadLetterWhenTheRegistryIsUnavailable() {
        // Given a failure that is not the record's fault
        DeadLetterDeserializationExceptionHandler handler = new DeadLetterDeserializationExceptionHandler();
        handler.configure(Map.of());
        ConsumerRecord<byte[], byte[]> record = record();

        // When it is handled
        Response response = handler.handleError(new Context(record), record,
                new RegistryUnavailableException("registry down", null));

        // Then the task fails so the record is read again later, and nothing is dead-lettered
        assertEquals(Result.FAIL, response.result());
        assertTrue(response.deadLetterQueueRecords().isEmpty());
    }

    private static ConsumerRecord<byte[], byte[]> record() {
        Headers headers = new RecordHeaders().add("traceparent", "trace-1".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("unlearning.deletion-requests", 2, 1812L, 0L, TimestampType.CREATE_TIME,
                KEY.length, VALUE.length, KEY, VALUE, headers, Optional.empty());
    }

    private record Context(ConsumerRecord<byte[], byte[]> record) implements ErrorHandlerContext {
        public String topic() { return record.topic(); }
        public int partition() { return record.partition(); }
        public long offset() { return record.offset(); }
        public Headers headers() { return record.headers(); }
        public String processorNodeId() { return "source"; }
        public TaskId taskId() { return new TaskId(0, record.partition()); }
        public long timestamp() { return record.timestamp(); }
        public byte[] sourceRawKey() { return record.key(); }
        public byte[] sourceRawValue() { return record.value(); }
    }
}
