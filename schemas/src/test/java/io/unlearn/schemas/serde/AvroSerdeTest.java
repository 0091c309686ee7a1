package io.unlearn.schemas.serde;

import io.unlearn.schemas.Topic;
import io.unlearn.schemas.Topics;
import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.SchemaMismatchException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import io.unlearn.schemas.errors.UnknownSchemaIdException;
import io.unlearn.schemas.testing.InMemorySchemaRegistryClient;
import io.unlearn.schemas.testing.SampleRecords;
import io.unlearn.schemas.v1.DeletionRequest;
import io.unlearn.schemas.v1.DeletionScope;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AvroSerdeTest {

    private final InMemorySchemaRegistryClient registry = new InMemorySchemaRegistryClient();

    @Test
    void shouldRoundTripTheSampleRecordOfEveryTopic() {
        for (Topic<?> topic : Topics.ALL) {
            assertRoundTrip(topic);
        }
    }

    private <V extends SpecificRecord> void assertRoundTrip(Topic<V> topic) {
        // Given a topic's serde and its sample record
        AvroSerde<V> serde = AvroSerde.forTopic(topic, registry);
        V sample = SampleRecords.forTopic(topic);

        // When it is serialized and deserialized
        byte[] bytes = serde.serializer().serialize(topic.name(), sample);
        V back = serde.deserializer().deserialize(topic.name(), bytes);

        // Then it is equal and its schema is registered under the topic's value subject
        assertEquals(sample, back, topic.name());
        assertEquals(WireFormat.schemaId(bytes, topic.name()), registry.latest(topic.valueSubject()).id());
    }

    @Test
    void shouldPassTombstonesThroughAsNull() {
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        assertNull(serde.serialize("t", null));
        assertNull(serde.deserialize("t", null));
    }

    @Test
    void shouldRejectAWrongMagicByte() {
        // Given a valid value whose first byte is damaged
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        byte[] bytes = serde.serialize("t", SampleRecords.deletionRequest());
        bytes[0] = 1;

        // When / Then
        InvalidMagicByteException e = assertThrows(InvalidMagicByteException.class, () -> serde.deserialize("t", bytes));
        assertTrue(e.getMessage().startsWith("t: first byte is 0x01"), e.getMessage());
    }

    @Test
    void shouldRejectABodyCutShortAsTruncated() {
        // Given a valid value missing its last 10 bytes
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        byte[] bytes = serde.serialize("t", SampleRecords.deletionRequest());
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 10);

        // When / Then the message names the topic, schema id and record
        TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class, () -> serde.deserialize("t", cut));
        assertTrue(e.getMessage().contains("ends early for writer schema id 1 (io.unlearn.schemas.v1.DeletionRequest)"),
                e.getMessage());
    }

    @Test
    void shouldRejectAnUnknownSchemaId() {
        // Given a value framed with an id the registry never issued
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        byte[] bytes = WireFormat.frame(999, new byte[] {2, 'x'});

        // When / Then
        UnknownSchemaIdException e = assertThrows(UnknownSchemaIdException.class, () -> serde.deserialize("t", bytes));
        assertTrue(e.getMessage().contains("999"), e.getMessage());
    }

    @Test
    void shouldRejectAValueOfAnotherRecordTypeAsASchemaMismatch() {
        // Given a RequestStatus written to the deletion-requests topic
        byte[] status = AvroSerde.forTopic(Topics.REQUEST_STATUS, registry)
                .serialize(Topics.DELETION_REQUESTS.name(), SampleRecords.requestStatus());

        // When it is read as a DeletionRequest
        AvroSerde<DeletionRequest> serde = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry);
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> serde.deserialize(Topics.DELETION_REQUESTS.name(), status));

        // Then both record names are in the message
        assertTrue(e.getMessage().contains("io.unlearn.schemas.v1.RequestStatus")
                && e.getMessage().contains("io.unlearn.schemas.v1.DeletionRequest"), e.getMessage());
    }

    @Test
    void shouldReadARecordWrittenWithAnOlderSchemaThatLacksDefaultedFields() throws IOException {
        // Given a DeletionRequest written by an older producer whose schema has only the required fields
        Schema old = new Schema.Parser().parse("""
                {"type":"record","name":"DeletionRequest","namespace":"io.unlearn.schemas.v1","fields":[
                  {"name":"requestId","type":"string"},
                  {"name":"scope","type":{"type":"enum","name":"DeletionScope","symbols":["SAMPLES","SUBJECT","CLASS","PAIRS"]}},
                  {"name":"requestedAt","type":{"type":"long","logicalType":"timestamp-millis"}}]}""");
        int oldId = registry.register("other-subject", old);
        GenericRecord record = new GenericData.Record(old);
        record.put("requestId", "req-old");
        record.put("scope", new GenericData.EnumSymbol(old.getField("scope").schema(), "SUBJECT"));
        record.put("requestedAt", SampleRecords.T0.toEpochMilli());
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(body, null);
        new GenericDatumWriter<GenericRecord>(old).write(record, encoder);
        encoder.flush();

        // When the current serde reads it
        DeletionRequest read = AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry)
                .deserialize("t", WireFormat.frame(oldId, body.toByteArray()));

        // Then the missing fields take their defaults
        assertEquals("req-old", read.getRequestId());
        assertEquals(DeletionScope.SUBJECT, read.getScope());
        assertEquals(SampleRecords.T0, read.getRequestedAt());
        assertEquals(List.of(), read.getSampleIds());
        assertNull(read.getSubjectId());
        assertEquals("", read.getReason());
    }

    @Test
    void shouldRejectARecordMissingARequiredFieldWithAHint() {
        // Given a DeletionRequest without its required requestedAt (builders refuse, so null it afterwards)
        DeletionRequest broken = SampleRecords.deletionRequest();
        broken.setRequestId(null);

        // When / Then serializing names the type and suggests the cause
        SchemaMismatchException e = assertThrows(SchemaMismatchException.class,
                () -> AvroSerde.forTopic(Topics.DELETION_REQUESTS, registry).serialize("t", broken));
        assertTrue(e.getMessage().contains("cannot encode DeletionRequest"), e.getMessage());
    }
}
