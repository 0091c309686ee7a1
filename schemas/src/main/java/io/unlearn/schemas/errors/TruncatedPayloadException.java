package io.unlearn.schemas.errors;

/** A record value is shorter than the wire format or its Avro body requires. */
public class TruncatedPayloadException extends SchemaContractException {

    public TruncatedPayloadException(String message) {
        super(message);
    }

    public TruncatedPayloadException(String message, Throwable cause) {
        super(message, cause);
    }
}
