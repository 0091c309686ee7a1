package io.unlearn.registry.errors;

/** A base model was registered under a model id that already has a lineage; versions come from unlearning only. */
public class ModelAlreadyRegisteredException extends ModelRegistryException {

    public ModelAlreadyRegisteredException(String modelId) {
        super("model '" + modelId + "' is already registered; new versions come from unlearning, "
                + "register a different model id to add another base model");
    }
}
