package io.unlearn.schemas.serde;

import io.unlearn.schemas.errors.InvalidMagicByteException;
import io.unlearn.schemas.errors.TruncatedPayloadException;

import java.nio.ByteBuffer;

/** The Confluent Schema Registry framing of a record value: {@code [0x00][schema id: int32 BE][Avro binary]}. */
public final class WireFormat {

    public static final byte MAGIC_BYTE = 0x0;
    public static final int HEADER_LENGTH = 1 + Integer.BYTES;

    private WireFormat() {
    }

    /** Prefixes an Avro body with the magic byte and schema id. */
    public static byte[] frame(int schemaId, byte[] avroBody) {
        return ByteBuffer.allocate(HEADER_LENGTH + avroBody.length)
                .put(MAGIC_BYTE).putInt(schemaId).put(avroBody).array();
    }

    /**
     * Reads the schema id of a framed value, checking the magic byte.
     *
     * @param where topic (or other location) for the error message
     */
    public static int schemaId(byte[] framed, String where) {
        if (framed.length == 0) {
            throw new TruncatedPayloadException(where + ": value is empty; expected the Confluent wire format "
                    + "(magic byte 0x0, 4-byte schema id, Avro body)");
        }
        if (framed[0] != MAGIC_BYTE) {
            throw new InvalidMagicByteException(String.format(
                    "%s: first byte is 0x%02x, not magic byte 0x0%s; was it produced without the Avro serializer?",
                    where, framed[0] & 0xff, guess(framed[0])));
        }
        if (framed.length < HEADER_LENGTH) {
            throw new TruncatedPayloadException(String.format(
                    "%s: value has %d bytes, fewer than the %d-byte wire-format header (magic byte + schema id)",
                    where, framed.length, HEADER_LENGTH));
        }
        return ByteBuffer.wrap(framed, 1, Integer.BYTES).getInt();
    }

    private static String guess(byte first) {
        return switch (first) {
            case '{', '[' -> " (JSON?)";
            case '"' -> " (a JSON string?)";
            default -> "";
        };
    }
}
