package io.unlearn.schemas.errors;

/** The writer schema of a record cannot be read with the reader's schema, or the bytes do not decode with it. */
public class SchemaMismatchException extends SchemaContractException {

    public SchemaMismatchException(String message) {
        super(message);
    }

    public SchemaMismatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
