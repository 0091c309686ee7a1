package io.unlearn.kit.modelregistry;

import com.fasterxml.jackson.databind.JsonNode;
import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.UnlearningPolicy;

import java.util.List;
import java.util.Optional;

/**
 * A model as {@code GET /models/{id}} describes it.
 *
 * @param modelId          the model
 * @param family           the model's family, from the catalog
 * @param baseVersionId    the registered base version
 * @param currentVersionId the {@code production} alias, else the base: where the next unlearning starts
 * @param architecture     the family's settings as registered
 * @param policy           how it is unlearned and verified
 * @param dataset          what it was trained on
 * @param versions         every version in chain order, base first
 */
public record RegisteredModel(String modelId, FamilySpec family, String baseVersionId, String currentVersionId,
                              JsonNode architecture, UnlearningPolicy policy, TrainingData dataset,
                              List<RegisteredVersion> versions) {

    public RegisteredModel {
        versions = List.copyOf(versions);
    }

    public Optional<RegisteredVersion> version(String versionId) {
        return versions.stream().filter(v -> v.versionId().equals(versionId)).findFirst();
    }

    /** The version {@link #currentVersionId} names. */
    public RegisteredVersion current() {
        return version(currentVersionId).orElseThrow(() -> new ModelRegistryUnavailableException(
                "model " + modelId + ": current version " + currentVersionId + " is not among its versions", null));
    }

    /** A candidate the verifier has not judged yet, if any; while there is one, the chain's head is undecided. */
    public Optional<RegisteredVersion> unverifiedCandidate() {
        return versions.stream().filter(RegisteredVersion::awaitingVerdict).findFirst();
    }
}
