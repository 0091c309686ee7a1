package io.unlearn.registry.errors;

import java.util.List;

/** The registry's configuration breaks one or more rules; every problem is listed, each with key, value and rule. */
public class InvalidConfigException extends ModelRegistryException {

    public InvalidConfigException(List<String> problems) {
        super("invalid model-registry configuration:\n  " + String.join("\n  ", problems));
    }
}
