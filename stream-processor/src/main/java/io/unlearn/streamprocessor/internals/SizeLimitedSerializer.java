package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.errors.OutputTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.Serializer;

import java.util.Locale;

/**
 * A sink's value serializer that refuses a value larger than {@code maxBytes} with an
 * {@link OutputTooLargeException}.
 *
 * <p>Why: under exactly-once a record the producer refuses as too large (RecordTooLargeException from
 * {@code send}) poisons the open transaction, so Streams aborts it and processes the same input again, forever.
 * A failure in the serializer comes before {@code send}: Streams hands it to the production exception handler,
 * whose dead letter commits in the same, healthy transaction. The size limits (request.max.bytes,
 * batch.max.bytes) keep values under the bound; this is the guard should they ever not.
 */
public final class SizeLimitedSerializer<T> implements Serializer<T> {

    private final Serializer<T> inner;
    private final int maxBytes;

    /** @param maxBytes the producer's max.request.size less room for the key and the record's framing */
    public SizeLimitedSerializer(Serializer<T> inner, int maxBytes) {
        this.inner = inner;
        this.maxBytes = maxBytes;
    }

    @Override
    public byte[] serialize(String topic, T data) {
        return checked(topic, inner.serialize(topic, data));
    }

    @Override
    public byte[] serialize(String topic, Headers headers, T data) {
        return checked(topic, inner.serialize(topic, headers, data));
    }

    private byte[] checked(String topic, byte[] bytes) {
        if (bytes != null && bytes.length > maxBytes) {
            throw new OutputTooLargeException(String.format(Locale.ROOT, "a value for %s encodes to %,d bytes, more "
                    + "than the %,d the producer's max.request.size leaves for it; the size limits (request.max.bytes,"
                    + " batch.max.bytes) should have prevented this: report it with this dead letter", topic,
                    bytes.length, maxBytes));
        }
        return bytes;
    }

    @Override
    public void close() {
        inner.close();
    }
}
