package io.unlearn.schemas.deadletter;

import io.unlearn.schemas.errors.DeadLetterPublishException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The dead-letter topic for plain consumers (the worker, the verifier, the registry), which have no Streams
 * handler: given a raw record that could not be processed and the reason, it writes the untouched bytes with
 * {@code __unlearn.errors.*} headers ({@link DeadLetterHeaders}) and returns once the broker has acknowledged.
 *
 * <p>Why synchronous: the caller commits the failed record's offset right after; committing before the dead
 * letter is durable would lose the record if the process died in between.
 *
 * <pre>{@code
 * for (ConsumerRecord<byte[], byte[]> raw : consumer.poll(timeout)) {
 *     DeletionRequest request;
 *     try {
 *         request = serde.deserialize(raw.topic(), raw.value());
 *     } catch (SchemaContractException e) {
 *         if (e.isRetryable()) throw e;          // registry down: fail loudly, re-read after restart
 *         deadLetters.publish(raw, e);          // bad bytes: park them and carry on
 *         continue;
 *     }
 *     ...
 * }
 * }</pre>
 *
 * <p>The producer is the caller's ({@code byte[]} key and value serializers) and is not closed here.
 */
public final class DeadLetterPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterPublisher.class);

    private final Producer<byte[], byte[]> producer;
    private final String deadLetterTopic;
    private final Duration ackTimeout;

    /** Publishes to {@code deadLetterTopic}, waiting up to 30 s for each acknowledgement. */
    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String deadLetterTopic) {
        this(producer, deadLetterTopic, Duration.ofSeconds(30));
    }

    public DeadLetterPublisher(Producer<byte[], byte[]> producer, String deadLetterTopic, Duration ackTimeout) {
        this.producer = Objects.requireNonNull(producer, "producer");
        this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        this.ackTimeout = Objects.requireNonNull(ackTimeout, "ackTimeout");
    }

    /** The topic dead letters go to. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    /**
     * Writes {@code failed} to the dead-letter topic and waits for the acknowledgement.
     *
     * @return where the dead letter was stored
     * @throws DeadLetterPublishException if the broker did not acknowledge; the caller must not commit the offset
     */
    public RecordMetadata publish(ConsumerRecord<byte[], byte[]> failed, Throwable error) {
        ProducerRecord<byte[], byte[]> letter = DeadLetterHeaders.deadLetterRecord(deadLetterTopic, failed, error);
        try {
            RecordMetadata stored = producer.send(letter).get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
            LOG.warn("Sent {}-{}@{} to dead-letter topic {} ({}-{}@{}): {}", failed.topic(), failed.partition(),
                    failed.offset(), deadLetterTopic, stored.topic(), stored.partition(), stored.offset(),
                    error.toString());
            return stored;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure(failed, "interrupted", e);
        } catch (ExecutionException e) {
            throw failure(failed, e.getCause().toString(), e.getCause());
        } catch (TimeoutException e) {
            throw failure(failed, "no acknowledgement within " + ackTimeout.toMillis() + " ms", e);
        }
    }

    private DeadLetterPublishException failure(ConsumerRecord<byte[], byte[]> failed, String why, Throwable cause) {
        return new DeadLetterPublishException(String.format("could not write %s-%d@%d to dead-letter topic %s (%s); "
                + "do not commit its offset, and check that the topic exists and the broker is reachable",
                failed.topic(), failed.partition(), failed.offset(), deadLetterTopic, why), cause);
    }
}
