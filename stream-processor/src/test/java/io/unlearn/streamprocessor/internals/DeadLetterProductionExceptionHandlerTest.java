package io.unlearn.streamprocessor.internals;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.streamprocessor.errors.OutputTooLargeException;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Response;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.Result;
import org.apache.kafka.streams.errors.ProductionExceptionHandler.SerializationExceptionOrigin;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeadLetterProductionExceptionHandlerTest {

    private static final byte[] INPUT_KEY = "r-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] INPUT_VALUE = {0, 0, 0, 0, 1, 42};

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final DeadLetterProductionExceptionHandler handler = new DeadLetterProductionExceptionHandler();
    private final ErrorHandlerContext context = new Context();

    @BeforeEach
    void configure() {
        handler.configure(Map.of(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "it.dead-letter",
                DeadLetterProductionExceptionHandler.METRICS_CONFIG, new StreamProcessorMetrics(meters)));
    }

    @Test
    void shouldDeadLetterTheInputOfARecordTooLargeToSendAndContinue() {
        ProducerRecord<byte[], byte[]> status = new ProducerRecord<>("unlearning.request-status", INPUT_KEY,
                new byte[3_800_000]);

        Response response = handler.handleError(context, status, new RecordTooLargeException("The message is "
                + "3800005 bytes when serialized which is larger than 1048576"));

        assertEquals(Result.RESUME, response.result());
        assertEquals(1, response.deadLetterQueueRecords().size());
        ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
        assertEquals("it.dead-letter", letter.topic());
        assertArrayEquals(INPUT_KEY, letter.key());
        assertArrayEquals(INPUT_VALUE, letter.value());
        assertEquals("t-9", DeadLetterHeaders.text(letter.headers(), "trace-id"));
        assertEquals(OutputTooLargeException.class.getName(),
                DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_CLASS));
        String message = DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE);
        assertTrue(message.contains("could not write a record of 3800003 bytes to unlearning.request-status: The "
                + "message is 3800005 bytes"), message);
        assertEquals("unlearning.deletion-requests", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.TOPIC));
        assertEquals("17", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.OFFSET));
        assertEquals(1.0, meters.counter("unlearn.streamprocessor.production.errors", "outcome", "dead_letter").count());
    }

    @Test
    void shouldDeadLetterAValueTheSizeGuardRefusedAndFailOnOtherSerializationErrors() {
        SizeLimitedSerializer<byte[]> guard = new SizeLimitedSerializer<>((topic, data) -> data, 10);
        OutputTooLargeException refused = assertThrows(OutputTooLargeException.class,
                () -> guard.serialize("unlearning.batches", new byte[11]));
        ProducerRecord<String, String> batch = new ProducerRecord<>("unlearning.batches", "m1", "batch");

        Response tooLarge = handler.handleSerializationError(context, batch, refused, SerializationExceptionOrigin.VALUE);
        Response other = handler.handleSerializationError(context, batch, new SerializationException("registry down"),
                SerializationExceptionOrigin.VALUE);

        assertTrue(refused.getMessage().contains("a value for unlearning.batches encodes to 11 bytes, more than the 10"),
                refused.getMessage());
        assertEquals(Result.RESUME, tooLarge.result());
        assertArrayEquals(INPUT_VALUE, tooLarge.deadLetterQueueRecords().get(0).value());
        assertEquals(Result.FAIL, other.result());
        assertTrue(other.deadLetterQueueRecords().isEmpty());
        assertEquals(1.0, meters.counter("unlearn.streamprocessor.production.errors", "outcome", "fail").count());
    }

    @Test
    void shouldRetryATransientBrokerFailure() {
        Response response = handler.handleError(context, new ProducerRecord<>("t", new byte[1]),
                new NotEnoughReplicasException("not enough replicas"));

        assertEquals(Result.RETRY, response.result());
        assertEquals(1.0, meters.counter("unlearn.streamprocessor.production.errors", "outcome", "retry").count());
    }

    /** The input record {@code unlearning.deletion-requests-0@17} that led to the failed output. */
    private static final class Context implements ErrorHandlerContext {
        @Override public String topic() { return "unlearning.deletion-requests"; }
        @Override public int partition() { return 0; }
        @Override public long offset() { return 17; }
        @Override public Headers headers() {
            return new RecordHeaders().add("trace-id", "t-9".getBytes(StandardCharsets.UTF_8));
        }
        @Override public String processorNodeId() { return "admit-request-status-sink"; }
        @Override public TaskId taskId() { return new TaskId(0, 0); }
        @Override public long timestamp() { return 0; }
        @Override public byte[] sourceRawKey() { return INPUT_KEY; }
        @Override public byte[] sourceRawValue() { return INPUT_VALUE; }
    }
}
