package io.unlearn.registry.errors;

/** A query named a model, version, alias or request the registry does not know. */
public class NotFoundException extends ModelRegistryException {

    public NotFoundException(String message) {
        super(message);
    }
}
