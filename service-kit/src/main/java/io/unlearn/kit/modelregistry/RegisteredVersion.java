package io.unlearn.kit.modelregistry;

import java.util.List;

/**
 * One version of a model as the registry lists it.
 *
 * @param versionId       the version
 * @param parentVersionId the version it was unlearned from; null for the base
 * @param batchId         the batch it unlearned; null for the base
 * @param status          {@code BASE}, {@code CANDIDATE} (not yet verified), {@code PASSED} or {@code FAILED}
 * @param requestIds      the deletion requests it set out to exclude
 * @param artifactDigest  SHA-256 of its parameters in the artifact store
 */
public record RegisteredVersion(String versionId, String parentVersionId, String batchId, String status,
                                List<String> requestIds, String artifactDigest) {

    public RegisteredVersion {
        requestIds = List.copyOf(requestIds);
    }

    /** Whether the verifier has not judged this candidate yet. */
    public boolean awaitingVerdict() {
        return "CANDIDATE".equals(status);
    }
}
