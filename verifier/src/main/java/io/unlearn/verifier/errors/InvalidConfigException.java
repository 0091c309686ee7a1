package io.unlearn.verifier.errors;

import java.util.List;

/** One or more settings are wrong; the message lists every problem with its key, value and rule. */
public class InvalidConfigException extends VerifierException {

    private final List<String> problems;

    public InvalidConfigException(List<String> problems) {
        super("invalid verifier configuration (" + problems.size() + " problem" + (problems.size() == 1 ? "" : "s")
                + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
