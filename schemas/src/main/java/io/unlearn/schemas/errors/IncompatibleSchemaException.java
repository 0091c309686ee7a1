package io.unlearn.schemas.errors;

/**
 * The registry refused to register a schema because it breaks the subject's compatibility rule (HTTP 409).
 * Permanent: the schema change itself must be made compatible (e.g. give the new field a default).
 */
public class IncompatibleSchemaException extends SchemaContractException {

    public IncompatibleSchemaException(String message) {
        super(message);
    }
}
