package io.unlearn.registry.errors;

/** The registry cannot serve the request right now (still rebuilding its state, or its writer stopped); retry later. */
public class RegistryUnavailableException extends ModelRegistryException {

    public RegistryUnavailableException(String message) {
        super(message);
    }

    public RegistryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
