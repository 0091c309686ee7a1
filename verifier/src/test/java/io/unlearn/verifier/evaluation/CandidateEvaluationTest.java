package io.unlearn.verifier.evaluation;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.families.DenoiserFamily;

import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.kit.modelregistry.RegisteredVersion;
import io.unlearn.catalog.Comparator;
import io.unlearn.catalog.Threshold;
import io.unlearn.kit.modelregistry.TrainingData;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.Denoisers;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.verifier.errors.ArtifactException;
import io.unlearn.verifier.errors.UnverifiableCandidateException;
import io.unlearn.verifier.verdict.Verdict;
import io.unlearn.verifier.verdict.VerdictPolicy;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The evaluation step on the unlearning module's small generated dataset: a base classifier, and as candidate the
 * exact retraining without class 1 (a model that has certainly forgotten it), both stored as real artifacts.
 */
class CandidateEvaluationTest {

    static final String DATASET = "synthetic?samples=600&classes=4&side=12&noise=0.35&seed=7";
    private static final TrainingRecipe RECIPE = new TrainingRecipe(3, 64, 2e-3f, 7);
    private static final EvaluationSettings EVAL = new EvaluationSettings(200, 5, 0, false, 200, 7);
    private static final Threshold FORGET = new Threshold("forget.accuracy", Comparator.AT_MOST, 0.2);
    private static final Threshold RETAIN = new Threshold("retain.accuracy", Comparator.AT_LEAST, 0.7);

    private static Path dir;
    private static DirectoryArtifactStore store;
    private static String baseDigest;
    private static String candidateDigest;

    @BeforeAll
    static void storeABaseAndACandidateThatForgotClassOne() throws IOException {
        dir = Files.createTempDirectory("verifier-evaluation-test");
        store = new DirectoryArtifactStore(dir);
        Dataset data = Unlearning.dataset(DATASET);
        try (ModelHandle base = Unlearning.trainClassifier(data.train(), RECIPE)) {
            baseDigest = put(base);
            ForgetRequest request = ForgetRequest.ofClasses(1);
            UnlearningData split = UnlearningData.of(data.train(), data.test(), request, base.forgotten());
            try (ModelHandle child = Unlearning.retrain(RECIPE).apply(base, split).model()) {
                child.recordForgotten(base.forgotten().union(request));
                candidateDigest = put(child);
            }
        }
    }

    @AfterAll
    static void deleteTheStore() throws IOException {
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    static String put(ModelHandle model) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        model.save(out);
        return store.put(new ByteArrayInputStream(out.toByteArray()));
    }

    static RegisteredModel model(String baseDigest, Threshold... thresholds) {
        return new RegisteredModel("m1", Classifiers.CLASSIFIER, "base", "base", null,
                new UnlearningPolicy("contrastive", Map.of(), List.of(thresholds), 2),
                new TrainingData(DATASET, 60, 600),
                List.of(new RegisteredVersion("base", null, null, "BASE", List.of(), baseDigest)));
    }

    static CandidateVersion candidate(String digest) {
        return CandidateVersion.newBuilder()
                .setModelId("m1").setVersionId("v-1").setParentVersionId("base").setBatchId("m1-1")
                .setRequestIds(List.of("r-1")).setMethod("retrain").setArtifactDigest(digest).setDevice("cpu()")
                .setCost(new UnlearningCost(1L, 1L, 1L)).setAttempt(0).setSeed(7L)
                .setCreatedAt(Instant.EPOCH).setClassLabels(List.of(1)).build();
    }

    private static CandidateEvaluation evaluation() {
        return new CandidateEvaluation(store, new DatasetCache(), EVAL, RECIPE);
    }

    @Test
    void shouldPassACandidateThatForgotWhereTheParentFailsTheForgetThreshold() {
        // When the candidate is measured against its parent on the batch's split
        Measurements m = evaluation().measure(model(baseDigest, FORGET, RETAIN), candidate(candidateDigest));

        // Then the candidate passes the forget threshold that the parent fails
        Verdict onCandidate = VerdictPolicy.judge(List.of(FORGET, RETAIN), m.candidate());
        Verdict onParent = VerdictPolicy.judge(List.of(FORGET, RETAIN), m.parent());
        assertTrue(onCandidate.passed(), onCandidate.reason());
        assertFalse(onParent.passed(), onParent.reason());
        assertTrue(m.parent().get("forget.accuracy") > 0.8, m.parent().toString());
        // And the split was the one the artifacts record; no reference was needed
        assertEquals(List.of(1), m.forgetClasses());
        assertTrue(m.reference().isEmpty());
        assertTrue(m.candidate().keySet().containsAll(List.of("forget.accuracy", "retain.accuracy",
                "test.accuracy", "mia.accuracy", "mia.auc")), m.candidate().toString());
    }

    @Test
    void shouldBuildARetrainedReferenceAndGapsWhenAThresholdNamesAGapMetric() {
        Threshold gap = new Threshold("average.gap", Comparator.AT_MOST, 0.05);

        Measurements m = evaluation().measure(model(baseDigest, gap), candidate(candidateDigest));

        // The candidate is exact retraining with the reference's recipe and seed, so it matches the reference
        assertFalse(m.reference().isEmpty());
        assertTrue(m.candidate().get("average.gap") <= 0.05, m.candidate().toString());
        assertTrue(m.parent().get("average.gap") > m.candidate().get("average.gap"), m.parent().toString());
        assertTrue(m.candidate().containsKey("forget.accuracy.gap"));
    }

    @Test
    void shouldMeasureADenoisersOwnMetricsWhichItsDefaultPolicyJudges() throws IOException {
        // Given a denoiser trained with glyph copies (ids 600..609) and, as candidate, a copy that forgot two of them
        String dataset = DATASET + "&glyphs=10";
        String parentDigest;
        String childDigest;
        try (ModelHandle base = Denoisers.train(Unlearning.dataset(dataset).train(),
                new DenoiserRecipe(1, 32, 1e-3f, 7), 16)) {
            parentDigest = put(base);
            try (ModelHandle child = base.copy()) {
                child.recordForgotten(ForgetRequest.ofSamples(Set.of("600", "601")));
                childDigest = put(child);
            }
        }
        UnlearningPolicy policy = DenoiserFamily.DENOISER.defaultPolicy();
        RegisteredModel model = new RegisteredModel("m1", DenoiserFamily.DENOISER, "base", "base", null, policy,
                new TrainingData(dataset, 61, 610),
                List.of(new RegisteredVersion("base", null, null, "BASE", List.of(), parentDigest)));
        CandidateVersion candidate = CandidateVersion.newBuilder(candidate(childDigest)).setMethod("siss")
                .setClassLabels(List.of()).setSampleIds(List.of("600", "601")).build();

        // When
        Measurements m = evaluation().measure(model, candidate);

        // Then every metric of the family is measured, on D_f = the two copies, and the default policy can judge it
        assertEquals(Set.copyOf(DenoiserFamily.DENOISER.metrics().stream().map(x -> x.key()).toList()),
                m.candidate().keySet());
        assertEquals(List.of("600", "601"), m.forgetSampleIds());
        assertEquals(m.parent(), m.candidate(), "the candidate's parameters are the parent's");
        Verdict verdict = VerdictPolicy.judge(policy.thresholds(), m.candidate());
        assertEquals(policy.thresholds().size(), verdict.checks().size());
    }

    @Test
    void shouldRefuseAMissingOrAlteredArtifactAndSayWhichOne() throws IOException {
        String absent = "0".repeat(64);
        ArtifactException missing = assertThrows(ArtifactException.class,
                () -> evaluation().measure(model(baseDigest, FORGET), candidate(absent)));
        assertFalse(missing.parent());
        assertEquals("the artifact " + absent + " of candidate version v-1 is missing from the artifact store",
                missing.getMessage());

        // Given a copy of the base stored under its digest, then overwritten
        Path copyDir = Files.createTempDirectory(dir, "tampered");
        DirectoryArtifactStore other = new DirectoryArtifactStore(copyDir);
        try (var in = store.open(baseDigest).orElseThrow()) {
            other.put(in);
        }
        try (var in = store.open(candidateDigest).orElseThrow()) {
            other.put(in);
        }
        Files.writeString(copyDir.resolve(baseDigest.substring(0, 2)).resolve(baseDigest), "tampered");
        ArtifactException altered = assertThrows(ArtifactException.class, () -> new CandidateEvaluation(other,
                new DatasetCache(), EVAL, RECIPE).measure(model(baseDigest, FORGET), candidate(candidateDigest)));
        assertTrue(altered.parent());
        assertTrue(altered.getMessage().startsWith("the stored artifact of parent version base was altered"),
                altered.getMessage());
    }

    @Test
    void shouldRefuseACandidateThatForgetsNothingBeyondItsParent() {
        // The base itself as candidate: nothing recorded as forgotten
        UnverifiableCandidateException e = assertThrows(UnverifiableCandidateException.class,
                () -> evaluation().measure(model(baseDigest, FORGET), candidate(baseDigest)));

        assertTrue(e.getMessage().contains("records nothing forgotten beyond its parent base"), e.getMessage());
    }

    @Test
    void shouldRefuseAParentThatIsNotAVersionOfTheModel() {
        CandidateVersion orphan = CandidateVersion.newBuilder(candidate(candidateDigest))
                .setParentVersionId("v-ghost").build();

        UnverifiableCandidateException e = assertThrows(UnverifiableCandidateException.class,
                () -> evaluation().measure(model(baseDigest, FORGET), orphan));

        assertTrue(e.getMessage().startsWith("parent version v-ghost is not a version of model m1"), e.getMessage());
    }

}
