package io.unlearn.registry.recording;

import io.unlearn.registry.RegistryFixtures.InMemoryRegistry;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.registry.errors.ModelAlreadyRegisteredException;
import io.unlearn.kit.lineage.LineageDetails;
import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registration;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineageRecorderTest {

    @TempDir
    Path artifactDir;

    private InMemoryRegistry registry;
    private String digest;

    @BeforeEach
    void setUp() throws IOException {
        registry = new InMemoryRegistry(new DirectoryArtifactStore(artifactDir));
        registry.register(registration("m1", "base weights"));
        digest = registry.store("v1 weights");
    }

    @Test
    void shouldPutFamilyArchitecturePolicyAndDatasetIntoTheBaseEventAsJson() throws Exception {
        LineageEvent base = registry.state.events().get(0);

        assertEquals(LineageEventType.BASE_REGISTERED, base.getType());
        assertEquals("classifier", base.getDetails().get(LineageDetails.FAMILY));
        assertEquals(64, JSON.readTree(base.getDetails().get(LineageDetails.ARCHITECTURE)).get("embeddingDim").asInt());
        var policy = JSON.readTree(base.getDetails().get(LineageDetails.POLICY));
        assertEquals("contrastive", policy.get("method").asText());
        assertEquals("<=", policy.get("thresholds").get(0).get("comparator").asText());
        assertEquals(2, policy.get("maxFailuresBeforeRetrain").asInt());
        assertEquals("2", policy.get("settings").get("maxEpochs").asText());
        var dataset = JSON.readTree(base.getDetails().get(LineageDetails.DATASET));
        assertEquals("fashion-mnist", dataset.get("name").asText());
        assertEquals(3, dataset.get("samples").asInt());
    }

    @Test
    void shouldRefuseASecondBaseForTheSameModel() {
        assertThrows(ModelAlreadyRegisteredException.class,
                () -> registry.register(registration("m1", "other weights")));
    }

    @Test
    void shouldPublishOneManifestEntryPerSubjectMergedWithWhatOtherModelsTrainedOn() {
        // Given the manifest already says model m0 trained on user-1's sample 7
        registry.state.apply(new ManifestEntry("user-1", List.of(new ModelSamples("m0", "base", List.of("7"))), T0));

        // When m2 registers with subjects user-1 and user-2
        Outcome.Append append = registry.recorder.registerBase(registration("m2", "w"), digest, registry.state);

        // Then user-1's entry keeps m0 and adds m2; user-2's keeps m1 (registered in setUp) and adds m2
        ManifestEntry user1 = append.manifestEntries().get(0);
        assertEquals("user-1", user1.getSubjectId());
        assertEquals(List.of(new ModelSamples("m0", "base", List.of("7")), new ModelSamples("m2", "base",
                List.of("0", "1"))), user1.getModels());
        assertEquals(List.of(new ModelSamples("m1", "base", List.of("2")), new ModelSamples("m2", "base",
                List.of("2"))), append.manifestEntries().get(1).getModels());
    }

    @Test
    void shouldRecordACandidateOnceAndSkipItsRedelivery() {
        Outcome first = registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));
        Outcome again = registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));

        LineageEvent recorded = ((Outcome.Append) first).events().get(0);
        assertEquals(LineageEventType.CANDIDATE_RECORDED, recorded.getType());
        assertEquals(1, recorded.getSequence());
        assertEquals(LineageHashes.hash(registry.state.events().get(0)), recorded.getPreviousEventHash());
        assertEquals("1200", recorded.getDetails().get(LineageDetails.COST_WALL_TIME_MS));
        assertEquals("cpu()", recorded.getDetails().get(LineageDetails.DEVICE));
        assertInstanceOf(Outcome.Duplicate.class, again);
        assertEquals(2, registry.state.events().size());
    }

    @Test
    void shouldRejectACandidateOfAnUnknownModelOrParent() {
        Outcome unknownModel = registry.candidate(candidate("ghost", "v1", "base", "b", digest, "r-1"));
        Outcome unknownParent = registry.candidate(candidate("m1", "v1", "v0", "b", digest, "r-1"));
        Outcome badDigest = registry.candidate(candidate("m1", "v1", "base", "b", "not-a-digest", "r-1"));

        assertTrue(((Outcome.Rejected) unknownModel).reason().contains("model 'ghost', which is not registered"));
        assertTrue(((Outcome.Rejected) unknownParent).reason().contains("parent version 'v0'"));
        assertTrue(((Outcome.Rejected) badDigest).reason().contains("64 lowercase hex"));
    }

    @Test
    void shouldDeferAVerificationThatArrivesBeforeItsCandidate() {
        Outcome outcome = registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        assertInstanceOf(Outcome.Deferred.class, outcome);
        assertEquals(1, registry.state.events().size());
    }

    @Test
    void shouldRecordAFailedVerdictWithItsMarginWithoutMovingTheAlias() throws Exception {
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));

        Outcome.Append append = (Outcome.Append) registry.verification(
                verification("m1", "v1", "m1-0001", Verdict.FAILED, "r-1"));

        assertEquals(List.of(LineageEventType.VERIFICATION_RECORDED),
                append.events().stream().map(LineageEvent::getType).toList());
        assertEquals("FAILED", append.events().get(0).getDetails().get(LineageDetails.VERDICT));
        assertEquals(digest, append.events().get(0).getArtifactDigest(), "the verdict names the bytes it judged");
        var check = JSON.readTree(append.events().get(0).getDetails().get(LineageDetails.CHECKS)).get(0);
        assertEquals("forget.accuracy", check.get("metric").asText());
        assertEquals(0.2 - 0.6, check.get("margin").asDouble(), 1e-9, "a failed <= check lies outside its bound");
    }

    @Test
    void shouldMoveProductionAfterAPassedVerdictInTheSameChain() {
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));

        Outcome.Append append = (Outcome.Append) registry.verification(
                verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        assertEquals(List.of(LineageEventType.VERIFICATION_RECORDED, LineageEventType.ALIAS_MOVED),
                append.events().stream().map(LineageEvent::getType).toList());
        assertEquals(LineageHashes.hash(append.events().get(0)), append.events().get(1).getPreviousEventHash());
        assertEquals("production", append.events().get(1).getDetails().get(LineageDetails.ALIAS));
        assertInstanceOf(Outcome.Duplicate.class,
                registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1")));
    }

    @Test
    void shouldNotMoveProductionBackToAVersionThatDoesNotDescendFromIt() {
        // Given v1 and its sibling v1b, both children of base, and v1 already in production
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", digest, "r-1"));
        registry.candidate(candidate("m1", "v1b", "base", "m1-0001b", digest, "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.PASSED, "r-1"));

        // When the sibling passes late
        Outcome.Append append = (Outcome.Append) registry.verification(
                verification("m1", "v1b", "m1-0001b", Verdict.PASSED, "r-1"));

        // Then its verdict is recorded but production stays on v1
        assertEquals(List.of(LineageEventType.VERIFICATION_RECORDED),
                append.events().stream().map(LineageEvent::getType).toList());
        assertEquals("v1", registry.state.alias("m1", "production").versionId());
    }
}
