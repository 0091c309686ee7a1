package io.unlearn.streamprocessor.internals;

import io.unlearn.streamprocessor.domain.DeadlinePolicy;
import io.unlearn.streamprocessor.errors.StoreFormatException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Accepted requests for one model in arrival order, as one value: a bundle on the repartition topic, or a model's
 * requests waiting in a store (to be bundled, or in the pending batch).
 *
 * <p>Why one value: the repartition is the costliest step per request (a transactional write, a fetch and a pass
 * through the second sub-topology), so a bundle divides its cost by the bundle size; and a store value per model,
 * rewritten on every change, is coalesced by the record cache into one changelog write per commit at most, and
 * none when it is deleted before the commit.
 *
 * <p>Format: version byte 2, then per request its admission time (int64, wall clock; a batch's max wait counts from
 * it), its deadline (int64 epoch millis, {@link DeadlinePolicy#NONE} for none; a batch closes early for it without
 * decoding), its sample id count (int32, counted with repeats, for batch.max.samples without decoding), the length of its
 * encoding (int32) and the encoding (a {@code BatchedRequest} in the Confluent wire format, passed on without
 * re-encoding). The same bytes are the repartition value and the store values. Version 1, written before deadlines
 * closed batches, lacks the deadline; it is still read (its requests count as having none), so stores and the
 * repartition topic of an older stream-processor carry over.
 */
public final class RequestBundle {

    private static final byte FORMAT_VERSION = 2;
    private static final byte FORMAT_VERSION_WITHOUT_DEADLINE = 1;
    /** Bytes each request takes in a bundle besides its encoding; counted in {@code batch.max.bytes}. */
    public static final int ENTRY_HEADER = Long.BYTES + Long.BYTES + Integer.BYTES + Integer.BYTES;
    private static final int V1_ENTRY_HEADER = Long.BYTES + Integer.BYTES + Integer.BYTES;

    private final byte[] bytes;
    /** Parsed when read from a topic or store; null for a bundle built here, which is only written. */
    private final List<Entry> entries;

    private RequestBundle(byte[] bytes, List<Entry> entries) {
        this.bytes = bytes;
        this.entries = entries;
    }

    /**
     * One request of a bundle.
     *
     * @param admittedAtMs wall-clock time the request was accepted
     * @param deadlineMs when the request must be done by, epoch millis; {@link DeadlinePolicy#NONE} for none
     * @param samples the request's sample ids, counted with repeats
     * @param request the {@code BatchedRequest} in the Confluent wire format
     */
    public record Entry(long admittedAtMs, long deadlineMs, int samples, byte[] request) {
    }

    /** Reads {@code bytes} (not copied); {@code where} names them in the error if they are not a bundle. */
    public static RequestBundle parse(String where, byte[] bytes) {
        if (bytes.length < 1 || (bytes[0] != FORMAT_VERSION && bytes[0] != FORMAT_VERSION_WITHOUT_DEADLINE)) {
            throw formatError(where, bytes, "has format " + (bytes.length == 0 ? "none" : bytes[0]));
        }
        boolean withDeadline = bytes[0] == FORMAT_VERSION;
        List<Entry> entries = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(bytes, 1, bytes.length - 1);
        while (buffer.hasRemaining()) {
            if (buffer.remaining() < (withDeadline ? ENTRY_HEADER : V1_ENTRY_HEADER)) {
                throw formatError(where, bytes, "ends inside the header of entry " + entries.size());
            }
            long admittedAtMs = buffer.getLong();
            long deadlineMs = withDeadline ? buffer.getLong() : DeadlinePolicy.NONE;
            int samples = buffer.getInt();
            int length = buffer.getInt();
            if (length < 0 || length > buffer.remaining()) {
                throw formatError(where, bytes, "ends inside entry " + entries.size());
            }
            byte[] request = new byte[length];
            buffer.get(request);
            entries.add(new Entry(admittedAtMs, deadlineMs, samples, request));
        }
        return new RequestBundle(bytes, List.copyOf(entries));
    }

    /** The requests in arrival order. */
    public List<Entry> entries() {
        return entries != null ? entries : parse("request bundle", bytes).entries;
    }

    /** The bundle in its format; not copied, do not modify. */
    public byte[] bytes() {
        return bytes;
    }

    /** The repartition serde: the bytes as they are, checked when read. */
    public static Serde<RequestBundle> serde() {
        Serializer<RequestBundle> serializer = (topic, bundle) -> bundle == null ? null : bundle.bytes;
        Deserializer<RequestBundle> deserializer = (topic, bytes) -> bytes == null ? null : parse(topic, bytes);
        return Serdes.serdeFrom(serializer, deserializer);
    }

    private static StoreFormatException formatError(String where, byte[] bytes, String problem) {
        return new StoreFormatException(where + ": request bundle of " + bytes.length + " bytes " + problem
                + ", expected version " + FORMAT_VERSION + " (or " + FORMAT_VERSION_WITHOUT_DEADLINE + "); was it "
                + "written by a newer stream-processor?");
    }

    /**
     * A bundle being gathered: appends requests to one growing array, so writing the whole bundle to a store after
     * each request costs one array copy and no encoding.
     */
    public static final class Builder {

        private byte[] bytes = new byte[256];
        private int length;
        private int size;
        private long samples;

        public Builder() {
            clear();
        }

        /** A builder holding the requests of {@code bundle}. */
        public static Builder of(RequestBundle bundle) {
            Builder builder = new Builder();
            bundle.entries().forEach(builder::add);
            return builder;
        }

        public Builder add(long admittedAtMs, long deadlineMs, int requestSamples, byte[] request) {
            ensureCapacity(ENTRY_HEADER + request.length);
            ByteBuffer.wrap(bytes, length, ENTRY_HEADER).putLong(admittedAtMs).putLong(deadlineMs).putInt(requestSamples)
                    .putInt(request.length);
            System.arraycopy(request, 0, bytes, length + ENTRY_HEADER, request.length);
            length += ENTRY_HEADER + request.length;
            size++;
            samples += requestSamples;
            return this;
        }

        public Builder add(Entry entry) {
            return add(entry.admittedAtMs(), entry.deadlineMs(), entry.samples(), entry.request());
        }

        /** Requests added since the last {@link #clear}. */
        public int size() {
            return size;
        }

        public boolean isEmpty() {
            return size == 0;
        }

        /** Their sample ids, counted with repeats. */
        public long samples() {
            return samples;
        }

        /** Their bytes: each request's encoding plus {@link #ENTRY_HEADER}, as {@code batch.max.bytes} counts them. */
        public long bytes() {
            return length - 1L;
        }

        /** The bundle so far, in its format; a copy, so a store or the producer may keep it. */
        public byte[] toByteArray() {
            return Arrays.copyOf(bytes, length);
        }

        /** The bundle so far. */
        public RequestBundle build() {
            return new RequestBundle(toByteArray(), null);
        }

        public void clear() {
            bytes[0] = FORMAT_VERSION;
            length = 1;
            size = 0;
            samples = 0;
        }

        private void ensureCapacity(int more) {
            if (length + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + more));
            }
        }
    }
}
