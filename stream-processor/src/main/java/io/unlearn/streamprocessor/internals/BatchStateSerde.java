package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.domain.BatchState;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;

/** Store format of {@link BatchState}: version byte 1, last sequence, pending requests, pending samples, oldest time. */
public final class BatchStateSerde {

    private static final byte FORMAT_VERSION = 1;
    private static final int LENGTH = 1 + Long.BYTES + Integer.BYTES + Long.BYTES + Long.BYTES;

    private BatchStateSerde() {
    }

    public static Serde<BatchState> serde() {
        Serializer<BatchState> serializer = (topic, state) -> ByteBuffer.allocate(LENGTH)
                .put(FORMAT_VERSION)
                .putLong(state.lastSequence())
                .putInt(state.pendingRequests())
                .putLong(state.pendingSamples())
                .putLong(state.oldestPendingAtMs())
                .array();
        Deserializer<BatchState> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length != LENGTH || bytes[0] != FORMAT_VERSION) {
                throw new StoreFormatException(topic + ": batch state of " + bytes.length + " bytes has format "
                        + (bytes.length == 0 ? "none" : bytes[0]) + ", expected version " + FORMAT_VERSION + " in "
                        + LENGTH + " bytes; was the store written by a newer stream-processor?");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, LENGTH - 1);
            return new BatchState(buffer.getLong(), buffer.getInt(), buffer.getLong(), buffer.getLong());
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
