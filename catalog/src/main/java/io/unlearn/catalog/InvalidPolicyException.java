package io.unlearn.catalog;

import java.util.List;

/** A policy, or one of its settings, that its model's family cannot carry out; the message names every problem. */
public class InvalidPolicyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems what is wrong, each naming the field, the value and the fix
     */
    public InvalidPolicyException(List<String> problems) {
        super(String.join("; ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return each problem */
    public List<String> problems() {
        return problems;
    }
}
