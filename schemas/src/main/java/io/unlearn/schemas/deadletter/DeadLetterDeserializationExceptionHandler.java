package io.unlearn.schemas.deadletter;

import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.SchemaContractException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/**
 * Kafka Streams handler that sends every record whose key or value cannot be deserialized to the dead-letter
 * topic and lets the stream carry on.
 *
 * <p>Built on Kafka Streams' own dead-letter support (KIP-1034): the handler returns the dead-letter record in its
 * {@link Response}, and Streams produces it with the task's producer, so under {@code exactly_once_v2} the dead
 * letter and the input offset commit together. Only the header set differs from Streams' built-in
 * {@code LogAndContinueExceptionHandler}: {@code __unlearn.errors.*} ({@link DeadLetterHeaders}).
 *
 * <p>Enable with:
 * <pre>{@code
 * props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DeadLetterDeserializationExceptionHandler.class);
 * props.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "unlearning.dead-letter"); // the default
 * }</pre>
 *
 * <p>A {@link SchemaContractException#isRetryable() retryable} failure (the registry is unreachable after the
 * client's retries) is not the record's fault, so it is not dead-lettered: the handler fails the task and Streams
 * reports it loudly, and the record is read again after a restart.
 */
public final class DeadLetterDeserializationExceptionHandler implements DeserializationExceptionHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterDeserializationExceptionHandler.class);

    private String deadLetterTopic = Topics.DEAD_LETTER;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic != null && !topic.toString().isBlank()) {
            deadLetterTopic = topic.toString();
        }
    }

    /** The topic dead letters go to: {@code errors.dead.letter.queue.topic.name}, default {@value Topics#DEAD_LETTER}. */
    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof SchemaContractException contract && contract.isRetryable()) {
            LOG.error("Cannot deserialize {}-{}@{} for a transient reason; failing task {} so it is retried after a "
                    + "restart: {}", record.topic(), record.partition(), record.offset(), context.taskId(),
                    exception.getMessage());
            return Response.fail();
        }
        LOG.warn("Sending {}-{}@{} (task {}) to dead-letter topic {}: {}", record.topic(), record.partition(),
                record.offset(), context.taskId(), deadLetterTopic, exception.toString());
        return Response.resume(List.of(DeadLetterHeaders.deadLetterRecord(deadLetterTopic, record, exception)));
    }
}
