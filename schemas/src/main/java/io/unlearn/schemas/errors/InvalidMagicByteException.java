package io.unlearn.schemas.errors;

/** The first byte of a record value is not the Confluent magic byte 0. */
public class InvalidMagicByteException extends SchemaContractException {

    public InvalidMagicByteException(String message) {
        super(message);
    }

    public InvalidMagicByteException(String message, Throwable cause) {
        super(message, cause);
    }
}
