package io.unlearn.schemas.errors;

/** The registry has no schema with the id found in a record value. */
public class UnknownSchemaIdException extends SchemaContractException {

    public UnknownSchemaIdException(String message) {
        super(message);
    }

    public UnknownSchemaIdException(String message, Throwable cause) {
        super(message, cause);
    }
}
