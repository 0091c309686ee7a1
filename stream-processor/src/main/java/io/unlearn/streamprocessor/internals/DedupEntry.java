package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the de-duplication store remembers of a request id: where it was first read and when (wall clock).
 *
 * @param origin {@code topic-partition@offset} of the first occurrence
 * @param firstSeenAtMs wall-clock time of the first occurrence
 */
public record DedupEntry(String origin, long firstSeenAtMs) {

    private static final byte FORMAT_VERSION = 1;

    /** Whether the entry is older than {@code retention} at {@code nowMs} and must be forgotten. */
    public boolean expired(long nowMs, Duration retention) {
        return nowMs - firstSeenAtMs >= retention.toMillis();
    }

    /** Store format: version byte 1, first-seen time (int64), origin (UTF-8, rest of the value). */
    public static Serde<DedupEntry> serde() {
        Serializer<DedupEntry> serializer = (topic, entry) -> {
            byte[] origin = entry.origin().getBytes(StandardCharsets.UTF_8);
            return ByteBuffer.allocate(1 + Long.BYTES + origin.length)
                    .put(FORMAT_VERSION).putLong(entry.firstSeenAtMs()).put(origin).array();
        };
        Deserializer<DedupEntry> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1 + Long.BYTES || bytes[0] != FORMAT_VERSION) {
                throw new StoreFormatException(topic + ": de-duplication entry of " + bytes.length + " bytes has format "
                        + (bytes.length == 0 ? "none" : bytes[0]) + ", expected version " + FORMAT_VERSION
                        + "; was the store written by a newer stream-processor?");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            long firstSeen = buffer.getLong();
            return new DedupEntry(new String(bytes, 1 + Long.BYTES, bytes.length - 1 - Long.BYTES,
                    StandardCharsets.UTF_8), firstSeen);
        };
        return org.apache.kafka.common.serialization.Serdes.serdeFrom(serializer, deserializer);
    }
}
