package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.Topics;
import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.streamprocessor.errors.OutputTooLargeException;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the stream-processor does when one of its output records cannot be written: a record that can never be
 * written (too large, invalid) becomes a dead letter and processing continues; a transient failure is retried; any
 * other failure fails the stream thread. Every outcome counts in
 * {@code unlearn.streamprocessor.production.errors{outcome}}.
 *
 * <p>The dead letter holds the input record that led to the failed output (its key, value and headers, with
 * {@code __unlearn.errors.*} headers naming the output topic and the error), so an operator can re-send it once
 * the limits are fixed; Streams writes it with the task's producer, in the task's transaction (KIP-1034).
 *
 * <p>Under {@code exactly_once_v2} a record the producer refuses in {@code send} has already poisoned the open
 * transaction: Streams aborts it and reads the input again, so the dead letter of that path does not survive and
 * only the metric and the log tell. That is why the sinks use {@link SizeLimitedSerializer}: an oversized value
 * fails in the serializer, before {@code send}, and its dead letter commits. The size limits keep both paths
 * unused; this handler is the last line, so that bad output never stops the pipeline for good.
 *
 * <p>Configured by {@code StreamProcessorConfig#streamsProperties()}; reads the dead-letter topic from
 * {@code errors.dead.letter.queue.topic.name} and the metrics from {@value #METRICS_CONFIG} when present.
 */
public final class DeadLetterProductionExceptionHandler implements ProductionExceptionHandler {

    /** Streams-config key of the {@link StreamProcessorMetrics} instance the handler counts in (optional). */
    public static final String METRICS_CONFIG = "unlearn.stream-processor.metrics";

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterProductionExceptionHandler.class);

    private String deadLetterTopic = Topics.DEAD_LETTER;
    private StreamProcessorMetrics metrics;

    @Override
    public void configure(Map<String, ?> configs) {
        Object topic = configs.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG);
        if (topic != null && !topic.toString().isBlank()) {
            deadLetterTopic = topic.toString();
        }
        if (configs.get(METRICS_CONFIG) instanceof StreamProcessorMetrics configured) {
            metrics = configured;
        }
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record,
                                Exception exception) {
        if (exception instanceof RetriableException) {
            count("retry");
            return Response.retry();
        }
        if (exception instanceof RecordTooLargeException || exception instanceof RecordBatchTooLargeException
                || exception instanceof InvalidRecordException) {
            return deadLetter(context, record.topic(), new OutputTooLargeException("could not write a record of "
                    + size(record) + " bytes to " + record.topic() + ": " + exception.getMessage(), exception));
        }
        count("fail");
        LOG.error("Cannot write a record to {} (task {}, input {}-{}@{}); failing the stream thread", record.topic(),
                context.taskId(), context.topic(), context.partition(), context.offset(), exception);
        return Response.fail();
    }

    @Override
    public Response handleSerializationError(ErrorHandlerContext context, ProducerRecord record, Exception exception,
                                             SerializationExceptionOrigin origin) {
        if (exception instanceof OutputTooLargeException tooLarge) {
            return deadLetter(context, record.topic(), tooLarge);
        }
        // any other serializer failure (the schema registry unreachable, a schema refused) is not the record's
        // fault: fail loudly, the record is processed again after a restart
        count("fail");
        LOG.error("Cannot serialize the {} of a record for {} (task {}); failing the stream thread", origin,
                record.topic(), context.taskId(), exception);
        return Response.fail();
    }

    private Response deadLetter(ErrorHandlerContext context, String outputTopic, Exception error) {
        count("dead_letter");
        LOG.error("Dropping a record for {} (task {}) and sending its input {}-{}@{} to dead-letter topic {}: {}",
                outputTopic, context.taskId(), context.topic(), context.partition(), context.offset(),
                deadLetterTopic, error.getMessage());
        // in a punctuation (a batch closed by time) there is no input record: the dead letter carries only headers
        ConsumerRecord<byte[], byte[]> input = new ConsumerRecord<>(
                context.topic() == null ? "punctuation" : context.topic(), context.partition(), context.offset(),
                context.timestamp(), TimestampType.CREATE_TIME, -1, -1, context.sourceRawKey(),
                context.sourceRawValue(), context.headers() == null ? new RecordHeaders() : context.headers(),
                Optional.empty());
        return Response.resume(List.of(DeadLetterHeaders.deadLetterRecord(deadLetterTopic, input, error)));
    }

    private void count(String outcome) {
        if (metrics != null) {
            metrics.productionError(outcome);
        }
    }

    private static int size(ProducerRecord<byte[], byte[]> record) {
        return (record.key() == null ? 0 : record.key().length) + (record.value() == null ? 0 : record.value().length);
    }
}
