package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Decodes one raw deletion-request record: a {@link Routed.Decoded} on success, a {@link Routed.DeadLetter} with
 * error headers when the bytes are not a deletion request in the wire format.
 *
 * <p>Decoding here rather than in a deserialization exception handler keeps the dead-letter records inside the
 * task's transaction (they commit or abort with the input offsets) and keeps the path testable with
 * {@code TopologyTestDriver}. A retryable failure (registry unreachable) is rethrown: skipping the record
 * would lose a valid request, so the task fails loudly instead.
 */
public final class DecodeProcessor implements Processor<byte[], byte[], String, Routed> {

    private final Deserializer<DeletionRequest> serde;
    private final StreamProcessorMetrics metrics;
    private ProcessorContext<String, Routed> context;

    public DecodeProcessor(Deserializer<DeletionRequest> serde, StreamProcessorMetrics metrics) {
        this.serde = serde;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Routed> context) {
        this.context = context;
    }

    @Override
    public void process(Record<byte[], byte[]> record) {
        Optional<RecordMetadata> source = context.recordMetadata();
        String topic = source.map(RecordMetadata::topic).orElse("unknown-topic");
        String origin = source.map(m -> m.topic() + "-" + m.partition() + "@" + m.offset()).orElse(topic);
        String key = record.key() == null ? null : new String(record.key(), StandardCharsets.UTF_8);
        try {
            DeletionRequest request = serde.deserialize(origin, record.value());
            if (request == null) {
                throw new SchemaContractException(origin + ": value is null (a tombstone); deletion requests "
                        + "cannot be withdrawn by deleting them");
            }
            context.forward(record.withKey(key).withValue(new Routed.Decoded(request, origin)));
        } catch (SchemaContractException e) {
            if (e.isRetryable()) {
                throw e;
            }
            deadLetter(record, key, e, source);
        } catch (RuntimeException e) {
            deadLetter(record, key, e, source);
        }
    }

    private void deadLetter(Record<byte[], byte[]> record, String key, Exception error, Optional<RecordMetadata> source) {
        metrics.deadLetter();
        context.forward(record.withKey(key)
                .withValue(new Routed.DeadLetter(record.key(), record.value()))
                .withHeaders(errorHeaders(record, error, source)));
    }

    /** The original headers plus the {@code __unlearn.errors.*} set, built by the schemas module's one definition. */
    private static Headers errorHeaders(Record<byte[], byte[]> record, Exception error, Optional<RecordMetadata> source) {
        ConsumerRecord<byte[], byte[]> failed = new ConsumerRecord<>(
                source.map(RecordMetadata::topic).orElse("unknown-topic"),
                source.map(RecordMetadata::partition).orElse(-1),
                source.map(RecordMetadata::offset).orElse(-1L),
                record.timestamp(), TimestampType.CREATE_TIME, -1, -1, record.key(), record.value(),
                record.headers(), Optional.empty());
        return DeadLetterHeaders.deadLetterRecord("unused", failed, error).headers();
    }
}
