package io.unlearn.schemas.serde;

import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.TruncatedPayloadException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireFormatTest {

    @Test
    void shouldFrameAsMagicByteThenBigEndianIdThenBody() {
        // Given schema id 0x01020304 and a two-byte body
        // When framed
        byte[] framed = WireFormat.frame(0x01020304, new byte[] {42, 43});

        // Then the bytes follow the Confluent layout and the id reads back
        assertArrayEquals(new byte[] {0, 1, 2, 3, 4, 42, 43}, framed);
        assertEquals(0x01020304, WireFormat.schemaId(framed, "t"));
    }

    @Test
    void shouldRejectJsonWithTheFirstByteAndAHintInTheMessage() {
        // Given a JSON value where Avro was expected
        byte[] json = "{\"requestId\":\"r1\"}".getBytes(StandardCharsets.UTF_8);

        // When its schema id is read
        InvalidMagicByteException e = assertThrows(InvalidMagicByteException.class,
                () -> WireFormat.schemaId(json, "unlearning.deletion-requests/3@1812"));

        // Then the message names the location, the byte and the likely cause
        assertEquals("unlearning.deletion-requests/3@1812: first byte is 0x7b, not magic byte 0x0 (JSON?); "
                + "was it produced without the Avro serializer?", e.getMessage());
    }

    @Test
    void shouldRejectAValueShorterThanTheHeaderAsTruncated() {
        // Given the magic byte and only two bytes of the id
        byte[] shortValue = {0, 0, 1};

        // When / Then
        TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
                () -> WireFormat.schemaId(shortValue, "t"));
        assertTrue(e.getMessage().contains("3 bytes, fewer than the 5-byte"), e.getMessage());
    }

    @Test
    void shouldRejectAnEmptyValueAsTruncated() {
        TruncatedPayloadException e = assertThrows(TruncatedPayloadException.class,
                () -> WireFormat.schemaId(new byte[0], "t"));
        assertTrue(e.getMessage().startsWith("t: value is empty"), e.getMessage());
    }
}
