package io.unlearn.verifier;

import io.unlearn.catalog.families.Classifiers;

import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.ModelRegistryUnavailableException;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.kit.modelregistry.RegisteredVersion;
import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.Threshold;
import io.unlearn.kit.modelregistry.TrainingData;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.unlearning.errors.DatasetMissingException;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.verifier.CandidateVerification.Step;
import io.unlearn.verifier.escalation.Escalation;
import io.unlearn.verifier.escalation.VerifierOutput;
import io.unlearn.verifier.evaluation.CandidateEvaluation;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The paths from candidate to step that need no model: unknown model, unreachable registry, missing dataset. */
class CandidateVerificationTest {

    @TempDir
    Path dir;

    private static CandidateVersion candidate(String digest) {
        return CandidateVersion.newBuilder()
                .setModelId("m1").setVersionId("v-1").setParentVersionId("base").setBatchId("m1-1")
                .setRequestIds(List.of("r-1", "r-2")).setMethod("contrastive").setArtifactDigest(digest)
                .setDevice("cpu()").setCost(new UnlearningCost(1L, 1L, 1L)).setAttempt(0).setSeed(7L)
                .setCreatedAt(Instant.EPOCH).build();
    }

    private CandidateVerification verification(Function<String, Optional<RegisteredModel>> models,
                                               DirectoryArtifactStore store) {
        return new CandidateVerification(models, new CandidateEvaluation(store, name -> {
            throw new DatasetMissingException("dataset " + name + " is not installed; apt-get install it", null);
        }, EvaluationSettings.defaults(), TrainingRecipe.defaults()), new Escalation(Clock.systemUTC()));
    }

    @Test
    void shouldEndTheRequestsOfAnUnknownModelFailed() throws Exception {
        Step step = verification(id -> Optional.empty(), new DirectoryArtifactStore(dir))
                .verify(candidate("a".repeat(64)));

        VerifierOutput out = assertInstanceOf(Step.Publish.class, step).output();
        assertTrue(out.result().isEmpty());
        assertEquals(List.of(RequestState.FAILED, RequestState.FAILED),
                out.statuses().stream().map(RequestStatus::getState).toList());
    }

    @Test
    void shouldWaitForAnUnreachableRegistryInsteadOfDeciding() throws Exception {
        Step step = verification(id -> {
            throw new ModelRegistryUnavailableException("model-registry at http://localhost:8082 failed 4 times", null);
        }, new DirectoryArtifactStore(dir)).verify(candidate("a".repeat(64)));

        assertTrue(assertInstanceOf(Step.RetryLater.class, step).why().contains("failed 4 times"));
    }

    @Test
    void shouldWaitForAMissingDatasetInsteadOfDeciding() throws Exception {
        // Given both artifacts in the store (the dataset is resolved before the models are loaded)
        DirectoryArtifactStore store = new DirectoryArtifactStore(dir);
        String parent = store.put(new ByteArrayInputStream("parent".getBytes(StandardCharsets.UTF_8)));
        String child = store.put(new ByteArrayInputStream("child".getBytes(StandardCharsets.UTF_8)));
        RegisteredModel model = new RegisteredModel("m1", Classifiers.CLASSIFIER, "base", "base", null,
                new UnlearningPolicy("contrastive", Map.of(), List.of(new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2)), 2),
                new TrainingData("fashion-mnist", 1, 1),
                List.of(new RegisteredVersion("base", null, null, "BASE", List.of(), parent)));

        Step step = verification(id -> Optional.of(model), store).verify(candidate(child));

        assertTrue(assertInstanceOf(Step.RetryLater.class, step).why().contains("apt-get install"));
    }

    @Test
    void shouldFailACandidateWhoseArtifactIsMissingAndRetryTheBatch() throws Exception {
        DirectoryArtifactStore store = new DirectoryArtifactStore(dir);
        String parent = store.put(new ByteArrayInputStream("parent".getBytes(StandardCharsets.UTF_8)));
        RegisteredModel model = new RegisteredModel("m1", Classifiers.CLASSIFIER, "base", "base", null,
                new UnlearningPolicy("contrastive", Map.of(), List.of(), 2), new TrainingData("fashion-mnist", 1, 1),
                List.of(new RegisteredVersion("base", null, null, "BASE", List.of(), parent)));

        Step step = verification(id -> Optional.of(model), store).verify(candidate("b".repeat(64)));

        VerifierOutput out = assertInstanceOf(Step.Publish.class, step).output();
        assertEquals(Verdict.FAILED, out.result().orElseThrow().getVerdict());
        assertEquals(1, out.retry().orElseThrow().getAttempt());
    }
}
