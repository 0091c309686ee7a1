package io.unlearn.verifier.verdict;

import java.util.List;

/**
 * The decision on one candidate: passed only if every check passed.
 *
 * @param passed whether the candidate may be promoted
 * @param checks every check of the policy, in policy order
 * @param reason a readable summary naming the failing checks and their margins first
 */
public record Verdict(boolean passed, List<Check> checks, String reason) {

    public Verdict {
        checks = List.copyOf(checks);
    }

    /** The checks that failed, in policy order. */
    public List<Check> failed() {
        return checks.stream().filter(c -> !c.passed()).toList();
    }

    /** A failed verdict without checks, for a candidate that could not be measured (missing artifact, ...). */
    public static Verdict unmeasurable(String reason) {
        return new Verdict(false, List.of(), reason);
    }
}
