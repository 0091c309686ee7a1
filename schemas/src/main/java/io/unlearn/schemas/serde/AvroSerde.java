package io.unlearn.schemas.serde;

import io.unlearn.schemas.SchemaRegistryClient;
import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.SchemaContractException;
import io.unlearn.schemas.errors.SchemaMismatchException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import org.apache.avro.AvroTypeException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Serde for one generated Avro class in the Confluent wire format, backed by a {@link SchemaRegistryClient}.
 *
 * <p>The serializer registers the class's schema under {@code <topic>-value} on first use (Confluent's
 * TopicNameStrategy) and caches the id per topic. The deserializer reads the writer schema by the id in the
 * payload and resolves it to the class's schema, so records written with an older or newer compatible schema
 * decode. Failures throw a {@link SchemaContractException} subclass naming the topic and the fix.
 *
 * <p>Resolving a writer schema against the reader schema is the costliest step of a decode (the stream-processor
 * benchmark profile showed it as the largest CPU cost), so each thread keeps one resolved reader per writer id and
 * one writer; Avro's datum readers and writers carry per-call state and are not shared between threads.
 *
 * @param <T> the generated record type
 */
public final class AvroSerde<T extends SpecificRecord> implements Serde<T> {

    private final Class<T> type;
    private final Schema readerSchema;
    private final SchemaRegistryClient registry;
    private final Map<String, Integer> idByTopic = new ConcurrentHashMap<>();
    private final ThreadLocal<SpecificDatumWriter<T>> writers;
    private final ThreadLocal<Map<Integer, SpecificDatumReader<T>>> readersByWriterId =
            ThreadLocal.withInitial(HashMap::new);

    public AvroSerde(Class<T> type, SchemaRegistryClient registry) {
        this.type = type;
        this.readerSchema = SpecificData.get().getSchema(type);
        this.registry = registry;
        this.writers = ThreadLocal.withInitial(() -> new SpecificDatumWriter<>(readerSchema));
    }

    /** The serde for a topic's value type. */
    public static <V extends SpecificRecord> AvroSerde<V> forTopic(Topic<V> topic, SchemaRegistryClient registry) {
        return new AvroSerde<>(topic.valueType(), registry);
    }

    public Class<T> type() {
        return type;
    }

    @Override
    public Serializer<T> serializer() {
        return this::serialize;
    }

    @Override
    public Deserializer<T> deserializer() {
        return this::deserialize;
    }

    /** Frames {@code record} in the wire format, registering its schema under the topic's value subject. */
    public byte[] serialize(String topic, T record) {
        if (record == null) {
            return null; // tombstone
        }
        int id = idByTopic.computeIfAbsent(topic, t -> registry.register(Topics.valueSubject(t), readerSchema));
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        try {
            writers.get().write(record, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new SchemaMismatchException(topic + ": cannot encode " + type.getSimpleName()
                    + " with its own schema (" + e.getMessage() + "); is a required field null?", e);
        }
        return WireFormat.frame(id, out.toByteArray());
    }

    /** Decodes a wire-format value written with any schema compatible with {@code T}'s. */
    public T deserialize(String topic, byte[] data) {
        if (data == null) {
            return null;
        }
        int id = WireFormat.schemaId(data, topic);
        Schema writerSchema = registry.getById(id);
        SpecificDatumReader<T> reader = readersByWriterId.get()
                .computeIfAbsent(id, i -> new SpecificDatumReader<>(writerSchema, readerSchema));
        BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(
                data, WireFormat.HEADER_LENGTH, data.length - WireFormat.HEADER_LENGTH, null);
        T result;
        boolean trailingBytes;
        try {
            result = reader.read(null, decoder);
            trailingBytes = !decoder.isEnd();
        } catch (EOFException e) {
            throw new TruncatedPayloadException(String.format(
                    "%s: Avro body of %d bytes ends early for writer schema id %d (%s); the value was cut short",
                    topic, data.length - WireFormat.HEADER_LENGTH, id, writerSchema.getFullName()), e);
        } catch (AvroTypeException e) {
            throw new SchemaMismatchException(String.format(
                    "%s: writer schema id %d (%s) cannot be read as %s: %s; is the value on the right topic?",
                    topic, id, writerSchema.getFullName(), readerSchema.getFullName(), e.getMessage()), e);
        } catch (IOException | RuntimeException e) {
            throw new SchemaMismatchException(String.format(
                    "%s: bytes do not decode with writer schema id %d (%s): %s",
                    topic, id, writerSchema.getFullName(), e), e);
        }
        if (trailingBytes) {
            throw new SchemaMismatchException(String.format(
                    "%s: %s decoded with writer schema id %d but bytes remain; the id does not match the body",
                    topic, readerSchema.getFullName(), id));
        }
        return result;
    }
}
