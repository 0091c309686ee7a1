package io.unlearn.worker;

import io.unlearn.kit.artifacts.Digests;
import java.nio.charset.StandardCharsets;

/**
 * Deterministic candidate version ids: {@code "v-"} + the first 20 hex characters of
 * SHA-256(modelId + "\n" + parentVersionId + "\n" + batchId + "\n" + attempt).
 *
 * <p>Why deterministic: a batch redelivered after a crash (its outputs never committed) is unlearned again from
 * the same parent and must yield the same id, so the lineage can never hold two versions for one batch attempt.
 * The attempt is part of the id because a retry after a failed verification is a different version.
 */
public final class VersionIds {

    private VersionIds() {
    }

    /**
     * @param modelId the model
     * @param parentVersionId the version unlearning starts from
     * @param batchId the batch
     * @param attempt the batch's attempt (0 first)
     * @return e.g. {@code v-3f2a9c0d1e2b3c4d5e6f}
     */
    public static String of(String modelId, String parentVersionId, String batchId, int attempt) {
        String key = modelId + "\n" + parentVersionId + "\n" + batchId + "\n" + attempt;
        return "v-" + Digests.sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 20);
    }
}
