package io.unlearn.schemas.errors;

/** A dead letter could not be written; the failed record's offset must not be committed. Retryable. */
public class DeadLetterPublishException extends SchemaContractException {

    public DeadLetterPublishException(String message, Throwable cause) {
        super(message, cause);
    }

    @Override
    public boolean isRetryable() {
        return true;
    }
}
