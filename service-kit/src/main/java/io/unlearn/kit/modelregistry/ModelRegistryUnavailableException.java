package io.unlearn.kit.modelregistry;

/** The model-registry could not be reached, answered 5xx after the retries, or answered something unreadable. */
public class ModelRegistryUnavailableException extends RuntimeException {

    public ModelRegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
