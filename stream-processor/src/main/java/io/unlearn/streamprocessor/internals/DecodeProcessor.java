package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.deadletter.DeadLetterHeaders;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.streamprocessor.domain.Statuses;
import io.unlearn.streamprocessor.errors.RequestTooLargeException;
import io.unlearn.streamprocessor.observability.StreamProcessorMetrics;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Decodes one raw deletion-request record: a {@link Routed.Decoded} on success, a {@link Routed.DeadLetter} with
 * error headers when the bytes are not a deletion request in the wire format.
 *
 * <p>A record larger than {@code request.max.bytes} (key, value and headers) is not decoded: decoding it would cost
 * time and memory for a request that cannot be carried on anyway. It becomes a REJECTED {@link Routed.Status} keyed
 * by its record key, which is the request id by contract; if the key cannot be a request id, a dead letter, whose
 * key and value are dropped when they would not fit a record the producer accepts.
 *
 * <p>Decoding here rather than in a deserialization exception handler keeps the dead-letter records inside the
 * task's transaction (they commit or abort with the input offsets) and keeps the path testable with
 * {@code TopologyTestDriver}. A retryable failure (registry unreachable) is rethrown: skipping the record
 * would lose a valid request, so the task fails loudly instead.
 */
public final class DecodeProcessor implements Processor<byte[], byte[], String, Routed> {

    /** Room for the {@code __unlearn.errors.*} headers (the stack trace is capped at 16 KiB) in a dead letter. */
    private static final int ERROR_HEADERS_BYTES = 32 * 1024;

    private final Deserializer<DeletionRequest> serde;
    private final StreamProcessorMetrics metrics;
    private final int maxRequestBytes;
    private final int maxIdBytes;
    private final int maxRecordBytes;
    private ProcessorContext<String, Routed> context;

    /**
     * @param maxRequestBytes largest record decoded, key + value + headers (config {@code request.max.bytes})
     * @param maxIdBytes longest request id, in UTF-8 bytes (config {@code request.max.id.bytes})
     * @param maxRecordBytes largest record the producer accepts ({@code producer.max.request.size})
     */
    public DecodeProcessor(Deserializer<DeletionRequest> serde, StreamProcessorMetrics metrics, int maxRequestBytes,
                           int maxIdBytes, int maxRecordBytes) {
        this.serde = serde;
        this.metrics = metrics;
        this.maxRequestBytes = maxRequestBytes;
        this.maxIdBytes = maxIdBytes;
        this.maxRecordBytes = maxRecordBytes;
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
        long size = sizeOf(record);
        if (size > maxRequestBytes) {
            oversized(record, size, origin, source);
            return;
        }
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

    private void oversized(Record<byte[], byte[]> record, long size, String origin, Optional<RecordMetadata> source) {
        String problem = String.format(Locale.ROOT, "the request record %s is %,d bytes (key %,d, value %,d, "
                        + "headers %,d), more than the limit of %,d (request.max.bytes), so it was not decoded; split "
                        + "it into requests of fewer ids", origin, size, length(record.key()), length(record.value()),
                size - length(record.key()) - length(record.value()), maxRequestBytes);
        String requestId = requestId(record.key());
        if (requestId != null) {
            Instant now = Instant.ofEpochMilli(context.currentSystemTimeMs());
            context.forward(new Record<String, Routed>(requestId,
                    new Routed.Status(Statuses.rejected(requestId, List.of(problem), null, now)), record.timestamp()));
            return;
        }
        RequestTooLargeException error;
        Record<byte[], byte[]> letter = record;
        if (size + ERROR_HEADERS_BYTES > maxRecordBytes) {
            error = new RequestTooLargeException(problem + "; its key cannot be a request id, and key, value and "
                    + "headers were dropped from this dead letter: with them it would not fit the producer's "
                    + "max.request.size of " + maxRecordBytes + " bytes");
            letter = new Record<>(null, null, record.timestamp());
        } else {
            error = new RequestTooLargeException(problem + "; its key cannot be a request id (null, or not a valid "
                    + "id), so no status can name it");
        }
        deadLetter(letter, null, error, source);
    }

    /** The key as a request id, or null if it cannot be one: absent, empty, not UTF-8 or longer than allowed. */
    private String requestId(byte[] key) {
        if (key == null || key.length == 0 || key.length > maxIdBytes) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(key)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    private static long sizeOf(Record<byte[], byte[]> record) {
        long size = length(record.key()) + length(record.value());
        for (Header header : record.headers()) {
            size += header.key().length() + length(header.value());
        }
        return size;
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
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
