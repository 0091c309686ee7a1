package io.unlearn.registry.errors;

/** A request body is larger than any valid request can be (the artifact limit is {@code artifact.max.bytes}). */
public class RequestTooLargeException extends ModelRegistryException {

    public RequestTooLargeException(String message) {
        super(message);
    }
}
