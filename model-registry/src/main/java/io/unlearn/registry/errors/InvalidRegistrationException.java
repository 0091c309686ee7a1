package io.unlearn.registry.errors;

import java.util.List;

/** A base-model registration that breaks one or more rules; carries every problem found, not just the first. */
public class InvalidRegistrationException extends ModelRegistryException {

    private final List<String> problems;

    public InvalidRegistrationException(List<String> problems) {
        super("invalid base-model registration: " + String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** Each broken rule as "field: what is wrong (value)". */
    public List<String> problems() {
        return problems;
    }
}
