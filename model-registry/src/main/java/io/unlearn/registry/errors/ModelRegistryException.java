package io.unlearn.registry.errors;

/** Root of every failure the model registry reports; the message says what failed, for which value, and what to do. */
public class ModelRegistryException extends RuntimeException {

    public ModelRegistryException(String message) {
        super(message);
    }

    public ModelRegistryException(String message, Throwable cause) {
        super(message, cause);
    }
}
