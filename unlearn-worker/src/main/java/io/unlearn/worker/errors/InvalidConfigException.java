package io.unlearn.worker.errors;

import java.util.List;

/** One or more settings are wrong; the message lists every problem with its key, value and rule. */
public class InvalidConfigException extends UnlearnWorkerException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * @param problems each problem as {@code key=value: rule}
     */
    public InvalidConfigException(List<String> problems) {
        super("invalid unlearn-worker configuration (" + problems.size() + " problem"
                + (problems.size() == 1 ? "" : "s") + "):\n  - " + String.join("\n  - ", problems));
        this.problems = List.copyOf(problems);
    }

    /** @return every problem found */
    public List<String> problems() {
        return problems;
    }
}
