package io.unlearn.schemas.errors;

/** The schema registry could not be reached or answered 5xx after the configured retries. Retryable. */
public class RegistryUnavailableException extends SchemaContractException {

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
