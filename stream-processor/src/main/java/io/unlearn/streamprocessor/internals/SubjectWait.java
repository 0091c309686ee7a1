package io.unlearn.streamprocessor.internals;

import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A SUBJECT request whose subject no training manifest lists yet, kept until one does or {@code subject.wait.ms}
 * passes: a model being registered right now publishes its manifest entries a moment after its registration, and a
 * request that overtakes them must not end NO_MODELS_AFFECTED for good.
 *
 * @param request the request as admitted
 * @param origin {@code topic-partition@offset} it was read from
 * @param arrivedAtMs wall-clock time it was admitted
 */
public record SubjectWait(DeletionRequest request, String origin, long arrivedAtMs) {

    private static final byte FORMAT_VERSION = 1;

    /**
     * Store format: version byte 1, arrival time (int64), origin length (int32), origin (UTF-8), then the request in
     * the wire format of the deletion-requests topic (the serde given).
     *
     * @param requests the deletion-requests topic's serde, under that topic's name
     */
    public static Serde<SubjectWait> serde(Serde<DeletionRequest> requests, String requestsTopic) {
        Serializer<SubjectWait> serializer = (topic, wait) -> {
            byte[] origin = wait.origin().getBytes(StandardCharsets.UTF_8);
            byte[] request = requests.serializer().serialize(requestsTopic, wait.request());
            return ByteBuffer.allocate(1 + Long.BYTES + Integer.BYTES + origin.length + request.length)
                    .put(FORMAT_VERSION).putLong(wait.arrivedAtMs()).putInt(origin.length).put(origin).put(request)
                    .array();
        };
        Deserializer<SubjectWait> deserializer = (topic, bytes) -> {
            if (bytes == null) {
                return null;
            }
            if (bytes.length < 1 + Long.BYTES + Integer.BYTES || bytes[0] != FORMAT_VERSION) {
                throw new StoreFormatException(topic + ": subject wait of " + bytes.length + " bytes has format "
                        + (bytes.length == 0 ? "none" : bytes[0]) + ", expected version " + FORMAT_VERSION
                        + "; was the store written by a newer stream-processor?");
            }
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
            long arrivedAt = buffer.getLong();
            int originLength = buffer.getInt();
            int start = 1 + Long.BYTES + Integer.BYTES;
            String origin = new String(bytes, start, originLength, StandardCharsets.UTF_8);
            DeletionRequest request = requests.deserializer().deserialize(requestsTopic,
                    Arrays.copyOfRange(bytes, start + originLength, bytes.length));
            return new SubjectWait(request, origin, arrivedAt);
        };
        return Serdes.serdeFrom(serializer, deserializer);
    }
}
