package io.unlearn.schemas.errors;

/** Root of every failure to honour the wire contract (bad bytes, unknown schema, unreachable registry). */
public class SchemaContractException extends RuntimeException {

    public SchemaContractException(String message) {
        super(message);
    }

    public SchemaContractException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Permanent failures go to the dead-letter topic; retryable ones are retried, then fail loudly. */
    public boolean isRetryable() {
        return false;
    }
}
