package io.unlearn.registry.errors;

/** A query parameter the registry cannot read, e.g. a window that is not an ISO-8601 duration. */
public class InvalidQueryException extends ModelRegistryException {

    public InvalidQueryException(String message) {
        super(message);
    }
}
