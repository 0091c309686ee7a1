package io.unlearn.schemas.errors;

/**
 * The registry answered, but refused the request for a reason that retrying will not change: rejected
 * credentials (401/403), an invalid schema (422) or another 4xx. The message carries the HTTP status, the
 * registry's error code and its own explanation.
 */
public class RegistryRequestException extends SchemaContractException {

    private final int httpStatus;
    private final int errorCode;

    public RegistryRequestException(String message, int httpStatus, int errorCode) {
        super(message);
        this.httpStatus = httpStatus;
        this.errorCode = errorCode;
    }

    /** The HTTP status of the answer. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The Confluent {@code error_code} of the answer (e.g. 42201 invalid schema), or -1 if the body had none. */
    public int errorCode() {
        return errorCode;
    }
}
