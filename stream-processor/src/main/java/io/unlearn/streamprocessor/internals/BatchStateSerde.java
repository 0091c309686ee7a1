package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.domain.BatchState;
import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/**
 * Store format of {@link BatchState}: version byte 2, last sequence, pending requests, pending samples, oldest time,
 * earliest deadline. Version 1 (without the deadline) is still read, its batch as having none.
 */
public final class BatchStateSerde {

    private static final byte FORMAT_VERSION = 2;
    private static final int LENGTH = 1 + Long.BYTES + Integer.BYTES + Long.BYTES + Long.BYTES + Long.BYTES;
    private static final byte FORMAT_VERSION_WITHOUT_DEADLINE = 1;
    private static final int LENGTH_WITHOUT_DEADLINE = LENGTH - Long.BYTES;

    private BatchStateSerde() {
    }

    public static Serde<BatchState> serde() {
        Serializer<BatchState> serializer = (topic, state) -> ByteBuffer.allocate(LENGTH)
                .put(FORMAT_VERSION)
                .putLong(state.lastSequence())
                .putInt(state.pendingRequests())
                .putLong(state.pendingSamples())
                .putLong(state.oldestPendingAtMs())
                .putLong(state.earliestDeadlineMs())
                .array();
        Deserializer<BatchState> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            boolean withDeadline = bytes.length == LENGTH && bytes[0] == FORMAT_VERSION;
            if (!withDeadline && (bytes.length != LENGTH_WITHOUT_DEADLINE || bytes[0] != FORMAT_VERSION_WITHOUT_DEADLINE)) {
                throw new StoreFormatException(topic + ": batch state of " + bytes.length + " bytes has format "
                        + (bytes.length == 0 ? "none" : bytes[0]) + ", expected version " + FORMAT_VERSION + " in "
                        + LENGTH + " bytes; was the store written by a newer stream-processor?");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            return new BatchState(buffer.getLong(), buffer.getInt(), buffer.getLong(), buffer.getLong(),
                    withDeadline ? buffer.getLong() : DeadlinePolicy.NONE);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
