package io.unlearn.schemas.deadletter;

import io.unlearn.schemas.errors.DeadLetterPublishException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The publisher with Kafka's in-memory {@link MockProducer}; the broker path is covered by DeadLetterIT. */
class DeadLetterPublisherTest {

    private final ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>("unlearning.batches", 4, 99L,
            "model-1".getBytes(StandardCharsets.UTF_8), new byte[] {0, 0, 0});

    @Test
    void shouldSendTheUntouchedBytesWithErrorHeadersToTheConfiguredTopic() {
        // Given a publisher whose producer acknowledges at once
        MockProducer<byte[], byte[]> producer = new MockProducer<>(true, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DeadLetterPublisher publisher = new DeadLetterPublisher(producer, "ops.dead");

        // When a record that failed to decode is published
        publisher.publish(failed, new TruncatedPayloadException("too short"));

        // Then exactly that record went out, labelled
        assertEquals(1, producer.history().size());
        ProducerRecord<byte[], byte[]> letter = producer.history().get(0);
        assertEquals("ops.dead", letter.topic());
        assertArrayEquals(failed.key(), letter.key());
        assertArrayEquals(failed.value(), letter.value());
        assertEquals("unlearning.batches", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.TOPIC));
        assertEquals("4", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.PARTITION));
        assertEquals("99", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.OFFSET));
        assertEquals("too short", DeadLetterHeaders.text(letter.headers(), DeadLetterHeaders.EXCEPTION_MESSAGE));
    }

    @Test
    void shouldThrowARetryableErrorThatForbidsCommittingWhenTheSendFails() {
        // Given a producer whose send fails
        MockProducer<byte[], byte[]> producer = new MockProducer<>(false, null, new ByteArraySerializer(),
                new ByteArraySerializer());
        DeadLetterPublisher publisher = new DeadLetterPublisher(producer, "ops.dead");
        Thread failer = new Thread(() -> {
            while (!producer.errorNext(new TopicAuthorizationException("not allowed"))) {
                Thread.onSpinWait();
            }
        });
        failer.start();

        // When / Then
        DeadLetterPublishException e = assertThrows(DeadLetterPublishException.class,
                () -> publisher.publish(failed, new TruncatedPayloadException("too short")));
        assertTrue(e.isRetryable());
        assertTrue(e.getMessage().startsWith("could not write unlearning.batches-4@99 to dead-letter topic ops.dead")
                && e.getMessage().contains("do not commit its offset"), e.getMessage());
    }
}
