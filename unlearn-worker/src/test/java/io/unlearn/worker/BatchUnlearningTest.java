package io.unlearn.worker;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.families.DenoiserFamily;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.modelregistry.ModelRegistryUnavailableException;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.kit.modelregistry.RegisteredVersion;
import io.unlearn.kit.modelregistry.TrainingData;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.kit.processing.Output;
import io.unlearn.kit.processing.TaskOutcome;
import io.unlearn.schemas.v1.BatchTrigger;
import io.unlearn.schemas.v1.BatchedRequest;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.DeletionScope;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.DenoiserRecipe;
import io.unlearn.unlearning.spi.Denoisers;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.worker.observability.UnlearnWorkerMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-batch job without Kafka: a real artifact store in a temp dir, a tiny real model, the registry as a map. */
class BatchUnlearningTest {

    private static final String DATASET = "synthetic?samples=200&classes=4&side=8&seed=3";
    private static final Instant NOW = Instant.parse("2026-01-02T03:04:05Z");
    private static byte[] baseModel;

    @TempDir
    Path dir;

    private DirectoryArtifactStore store;
    private String baseDigest;
    private final Map<String, RegisteredModel> registry = new java.util.HashMap<>();
    private Function<String, Optional<RegisteredModel>> models = id -> Optional.ofNullable(registry.get(id));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void trainATinyBaseModel() throws IOException {
        Dataset d = Unlearning.dataset(DATASET);
        try (ModelHandle base = Unlearning.trainClassifier(d.train(), new TrainingRecipe(1, 32, 1e-3f, 42))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            base.save(out);
            baseModel = out.toByteArray();
        }
    }

    @BeforeEach
    void registerTheBaseModel() throws IOException {
        store = new DirectoryArtifactStore(dir);
        baseDigest = store.put(new ByteArrayInputStream(baseModel));
        registry.put("m1", model("v-base", List.of(version("v-base", null, null, "BASE", baseDigest))));
    }

    private static RegisteredModel model(String current, List<RegisteredVersion> versions) {
        return model(current, versions, new UnlearningPolicy("fine_tune", Map.of("epochs", "1", "batchSize", "32"),
                List.of(), 2));
    }

    private static RegisteredModel model(String current, List<RegisteredVersion> versions, UnlearningPolicy policy) {
        return new RegisteredModel("m1", Classifiers.CLASSIFIER, "v-base", current, null, policy,
                new TrainingData(DATASET, 20, 200), versions);
    }

    private static RegisteredVersion version(String id, String parent, String batch, String status, String digest) {
        return new RegisteredVersion(id, parent, batch, status, List.of(), digest);
    }

    private static UnlearningBatch batch(String modelId, List<String> sampleIds) {
        List<BatchedRequest> requests = new ArrayList<>();
        for (String s : sampleIds) {
            requests.add(BatchedRequest.newBuilder().setRequestId("r-" + s).setScope(DeletionScope.SAMPLES)
                    .setSampleIds(List.of(s)).build());
        }
        return UnlearningBatch.newBuilder().setBatchId(modelId + "-000001").setModelId(modelId).setSequence(1)
                .setRequests(requests).setSampleIds(sampleIds).setClassLabels(List.of()).setPairs(List.of())
                .setTrigger(BatchTrigger.MAX_REQUESTS).setAttempt(0).setCreatedAt(NOW).build();
    }

    private BatchUnlearning job() {
        return job(store);
    }

    private BatchUnlearning job(ArtifactStore artifacts) {
        return new BatchUnlearning(models, artifacts, Unlearning::dataset, new BatchUnlearning.Settings("cands",
                "statuses", Duration.ofMillis(10), Duration.ofMillis(20)),
                new UnlearnWorkerMetrics(meters), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static List<RequestStatus> statuses(TaskOutcome outcome) {
        return assertInstanceOf(TaskOutcome.Publish.class, outcome).outputs().stream()
                .filter(o -> o.topic().equals("statuses")).map(o -> (RequestStatus) o.value()).toList();
    }

    private static List<CandidateVersion> candidates(TaskOutcome outcome) {
        return assertInstanceOf(TaskOutcome.Publish.class, outcome).outputs().stream()
                .filter(o -> o.topic().equals("cands")).map(o -> (CandidateVersion) o.value()).toList();
    }

    @Test
    void shouldTurnABatchIntoOneCandidateAndUnlearnedStatuses() throws IOException {
        // Given a registered base model and a batch forgetting two samples
        UnlearningBatch batch = batch("m1", List.of("3", "7"));

        // When the job runs
        TaskOutcome outcome = job().run(batch, "batches-0@0");

        // Then one candidate with a deterministic id, and one UNLEARNED status per request naming it
        List<CandidateVersion> candidates = candidates(outcome);
        assertEquals(1, candidates.size());
        CandidateVersion c = candidates.get(0);
        assertEquals(VersionIds.of("m1", "v-base", "m1-000001", 0), c.getVersionId());
        assertEquals("v-base", c.getParentVersionId());
        assertEquals("fine_tune", c.getMethod());
        assertEquals("1", c.getMethodSettings().get("epochs"));
        assertEquals(Unlearning.defaultDevice(), c.getDevice());
        assertEquals(List.of("3", "7"), c.getSampleIds());
        assertEquals(batch.getRequests(), c.getRequests());
        Output first = ((TaskOutcome.Publish) outcome).outputs().get(0);
        assertEquals("m1", first.key());
        List<RequestStatus> statuses = statuses(outcome);
        assertEquals(List.of("r-3", "r-7"), statuses.stream().map(RequestStatus::getRequestId).toList());
        assertTrue(statuses.stream().allMatch(s -> s.getState() == RequestState.UNLEARNED
                && s.getVersionId().equals(c.getVersionId())));

        // And the stored artifact is a model that knows what it forgot
        try (InputStream in = store.open(c.getArtifactDigest()).orElseThrow();
                ModelHandle child = Unlearning.loadModel(in)) {
            assertEquals(ForgetRequest.ofSamples(Set.of("3", "7")), child.forgotten());
        }

        // And the meters a dashboard reads count it (get(...) fails on a missing name or tag)
        assertEquals(1.0, meters.get("unlearn.worker.batches").tag("outcome", "candidate").tag("method", "fine_tune")
                .counter().count());
        assertEquals(1, meters.get("unlearn.worker.unlearning.duration").tag("method", "fine_tune").timer().count());
        assertEquals(2.0, meters.get("unlearn.worker.forget.samples").counter().count());
    }

    @Test
    void shouldUnlearnADenoiserWithThePolicysSissSettings() throws IOException {
        // Given a denoiser registered on images with glyph copies (ids 200..209) and a batch naming two copies
        String dataset = DATASET + "&glyphs=10";
        String digest;
        try (ModelHandle base = Denoisers.train(Unlearning.dataset(dataset).train(),
                new DenoiserRecipe(1, 32, 1e-3f, 42), 16)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            base.save(out);
            digest = store.put(new ByteArrayInputStream(out.toByteArray()));
        }
        registry.put("d1", new RegisteredModel("d1", DenoiserFamily.DENOISER, "v-base", "v-base", null,
                new UnlearningPolicy("siss", Map.of("steps", "2", "batchSize", "8"), List.of(), 2),
                new TrainingData(dataset, 21, 210), List.of(version("v-base", null, null, "BASE", digest))));

        // When the job runs
        TaskOutcome outcome = job().run(batch("d1", List.of("200", "201")), "batches-0@0");

        // Then the candidate ran SISS with the policy's settings and the catalog's defaults, on a denoiser
        CandidateVersion c = candidates(outcome).get(0);
        assertEquals("siss", c.getMethod());
        assertEquals("2", c.getMethodSettings().get("steps"));
        assertEquals("0.5", c.getMethodSettings().get("lambda"));
        assertEquals(2L * 2 * 8, c.getCost().getBackwardSamplePasses());
        try (InputStream in = store.open(c.getArtifactDigest()).orElseThrow();
                ModelHandle child = Unlearning.loadModel(in)) {
            assertEquals(DenoiserFamily.DENOISER, child.family());
            assertEquals(ForgetRequest.ofSamples(Set.of("200", "201")), child.forgotten());
        }
    }

    @Test
    void shouldFailEveryRequestOfABatchForAnUnknownModelWithTheReason() {
        TaskOutcome outcome = job().run(batch("nope", List.of("3")), "batches-0@0");

        assertTrue(candidates(outcome).isEmpty());
        RequestStatus s = statuses(outcome).get(0);
        assertEquals(RequestState.FAILED, s.getState());
        assertNull(s.getVersionId());
        assertTrue(s.getReason().contains("unknown model 'nope'"), s.getReason());
        assertEquals(1.0, meters.get("unlearn.worker.batches").tag("outcome", "failed").tag("method", "none")
                .counter().count());
    }

    @Test
    void shouldCloseEveryRequestOfABatchTheLoopGaveUpOnWithAFailedStatusNamingTheCause() {
        UnlearningBatch batch = batch("m1", List.of("3", "7"));

        List<Output> closing = job().onFailure(batch, "batches-0@0",
                new IllegalStateException("out of memory"));

        assertEquals(batch.getRequests().size(), closing.size());
        for (Output o : closing) {
            RequestStatus s = (RequestStatus) o.value();
            assertEquals(RequestState.FAILED, s.getState());
            assertEquals(s.getRequestId(), o.key());
            assertTrue(s.getReason().contains("gave up on batch " + batch.getBatchId() + " (out of memory)"),
                    s.getReason());
        }
    }

    @Test
    void shouldFailOnlyTheRequestNamingASampleTheDatasetLacksAndUnlearnTheRest() {
        // Given a batch of two requests, one naming a sample the data set does not have
        TaskOutcome outcome = job().run(batch("m1", List.of("3", "9999")), "batches-0@0");

        // Then that request alone ends FAILED, naming the sample, and the other one is unlearned into a candidate
        List<RequestStatus> statuses = statuses(outcome);
        RequestStatus bad = statuses.stream().filter(s -> s.getRequestId().equals("r-9999")).findFirst().orElseThrow();
        assertEquals(RequestState.FAILED, bad.getState());
        assertTrue(bad.getReason().contains("'9999'") && bad.getReason().contains("go on"), bad.getReason());
        RequestStatus good = statuses.stream().filter(s -> s.getRequestId().equals("r-3")).findFirst().orElseThrow();
        assertEquals(RequestState.UNLEARNED, good.getState());
        CandidateVersion candidate = candidates(outcome).get(0);
        assertEquals(List.of("r-3"), candidate.getRequestIds());
        assertEquals(List.of("3"), candidate.getSampleIds());
    }

    @Test
    void shouldFailEveryRequestWhenNoneCanBeServed() {
        TaskOutcome outcome = job().run(batch("m1", List.of("9998", "9999")), "batches-0@0");

        assertTrue(candidates(outcome).isEmpty());
        List<RequestStatus> statuses = statuses(outcome);
        assertEquals(2, statuses.size());
        assertTrue(statuses.stream().allMatch(s -> s.getState() == RequestState.FAILED));
        assertTrue(statuses.get(0).getReason().contains("'9998'"), statuses.get(0).getReason());
    }

    @Test
    void shouldWaitWhileTheModelHasACandidateWithoutAVerdict() {
        registry.put("m1", model("v-base", List.of(version("v-base", null, null, "BASE", baseDigest),
                version("v-1", "v-base", "m1-000000", "CANDIDATE", baseDigest))));

        TaskOutcome outcome = job().run(batch("m1", List.of("3")), "batches-0@0");

        TaskOutcome.RetryLater later = assertInstanceOf(TaskOutcome.RetryLater.class, outcome);
        assertTrue(later.why().contains("v-1"), later.why());
        assertEquals(1.0, meters.get("unlearn.worker.waits").tag("reason", "verdict").counter().count());
    }

    @Test
    void shouldWaitForTheVerdictOnItsOwnLastCandidateBeforeTheNextBatch() {
        // Given the job emitted a candidate the registry has not recorded yet
        BatchUnlearning job = job();
        String first = candidates(job.run(batch("m1", List.of("3")), "batches-0@0")).get(0).getVersionId();
        UnlearningBatch next = batch("m1", List.of("5"));
        next.setBatchId("m1-000002");

        // When the next batch of the model comes, then it waits for that verdict
        TaskOutcome.RetryLater later = assertInstanceOf(TaskOutcome.RetryLater.class, job.run(next, "batches-0@1"));
        assertTrue(later.why().contains(first), later.why());

        // When the registry shows the verdict, then the next batch runs
        registry.put("m1", model("v-base", List.of(version("v-base", null, null, "BASE", baseDigest),
                version(first, "v-base", "m1-000001", "FAILED", baseDigest))));
        assertEquals(1, candidates(job.run(next, "batches-0@1")).size());
    }

    @Test
    void shouldNotWaitForTheCandidateOfAnAttemptTheLoopGaveUpOn() {
        // Given the job computed a candidate whose attempt the loop then gave up on (never published)
        BatchUnlearning job = job();
        UnlearningBatch abandoned = batch("m1", List.of("3"));
        job.run(abandoned, "batches-0@0");
        job.onFailure(abandoned, "batches-0@0", new IllegalStateException("task timeout"));

        // When the model's next batch comes, then it runs instead of waiting for a verdict that cannot come
        UnlearningBatch next = batch("m1", List.of("5"));
        next.setBatchId("m1-000002");
        assertEquals(1, candidates(job.run(next, "batches-0@1")).size());
    }

    @Test
    void shouldWaitAfterARestartForTheVerdictOnTheLastCommittedCandidateTheRegistryHasNotRecorded() {
        // Given a restarted job told of a predecessor's committed candidate v-9 that the registry has not recorded
        BatchUnlearning job = job();
        job.resumeAfter(CandidateVersion.newBuilder(candidates(job().run(batch("m1", List.of("3")), "batches-0@0"))
                .get(0)).setVersionId("v-9").setBatchId("m1-000001").build());
        UnlearningBatch next = batch("m1", List.of("5"));
        next.setBatchId("m1-000002");

        // When the model's next batch comes, then it waits rather than build on the base beside v-9
        TaskOutcome.RetryLater later = assertInstanceOf(TaskOutcome.RetryLater.class, job.run(next, "batches-0@1"));
        assertTrue(later.why().contains("v-9") && later.why().contains("not yet recorded"), later.why());

        // When the registry records v-9 as passed and production, then the next batch builds on it
        registry.put("m1", model("v-9", List.of(version("v-base", null, null, "BASE", baseDigest),
                version("v-9", "v-base", "m1-000001", "PASSED", baseDigest))));
        assertEquals("v-9", candidates(job.run(next, "batches-0@1")).get(0).getParentVersionId());
    }

    @Test
    void shouldRetryLaterWhenTheModelRegistryIsUnavailable() {
        models = id -> {
            throw new ModelRegistryUnavailableException("GET /models/m1: connection refused", null);
        };

        TaskOutcome outcome = job().run(batch("m1", List.of("3")), "batches-0@0");

        assertTrue(assertInstanceOf(TaskOutcome.RetryLater.class, outcome).why().contains("connection refused"));
        assertEquals(1.0, meters.get("unlearn.worker.waits").tag("reason", "unavailable").counter().count());
    }

    @Test
    void shouldRetryLaterWithoutPublishingWhenTheCandidateCannotBeStoredBecauseTheDiskIsFull() {
        // Given an artifact store that reads but can no longer write
        ArtifactStore full = new ArtifactStore() {
            @Override
            public String put(InputStream content) throws IOException {
                throw new IOException("No space left on device");
            }

            @Override
            public Optional<InputStream> open(String digest) throws IOException {
                return store.open(digest);
            }

            @Override
            public boolean contains(String digest) {
                return store.contains(digest);
            }

            @Override
            public Optional<String> recomputeDigest(String digest) throws IOException {
                return store.recomputeDigest(digest);
            }
        };

        // When a batch is unlearned, then nothing is published and the batch is retried, saying why (the loop ends
        // its requests FAILED once task.retry.timeout.ms has passed: TransactionalTaskLoopTest)
        TaskOutcome outcome = job(full).run(batch("m1", List.of("3", "7")), "batches-0@0");

        assertTrue(assertInstanceOf(TaskOutcome.RetryLater.class, outcome).why().contains("No space left on device"));
        assertEquals(1.0, meters.get("unlearn.worker.waits").tag("reason", "unavailable").counter().count());
    }

    @Test
    void shouldRetryLaterWhenTheParentArtifactIsMissingFromTheStore() {
        registry.put("m1", model("v-base", List.of(version("v-base", null, null, "BASE", "0".repeat(64)))));

        TaskOutcome outcome = job().run(batch("m1", List.of("3")), "batches-0@0");

        assertTrue(assertInstanceOf(TaskOutcome.RetryLater.class, outcome).why().contains("artifact.dir"));
    }

    @Test
    void shouldAnswerVerifiedWithTheParentWhenEverythingIsAlreadyForgottenByAVerifiedVersion() throws IOException {
        // Given production is a verified version that already forgot sample 3
        String digest;
        try (ModelHandle v1 = Unlearning.loadModel(new ByteArrayInputStream(baseModel))) {
            v1.recordForgotten(ForgetRequest.ofSamples(Set.of("3")));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            v1.save(out);
            digest = store.put(new ByteArrayInputStream(out.toByteArray()));
        }
        registry.put("m1", model("v-1", List.of(version("v-base", null, null, "BASE", baseDigest),
                version("v-1", "v-base", "m1-000000", "PASSED", digest))));

        // When a batch names sample 3 again
        TaskOutcome outcome = job().run(batch("m1", List.of("3")), "batches-0@0");

        // Then no new version: the request is VERIFIED by v-1
        assertTrue(candidates(outcome).isEmpty());
        RequestStatus s = statuses(outcome).get(0);
        assertEquals(RequestState.VERIFIED, s.getState());
        assertEquals("v-1", s.getVersionId());
    }

    @Test
    void shouldFailTheRequestsWhenThePolicysMethodCannotRunOnTheModelsFamily() {
        // Given a classifier whose policy names the DKVB method
        registry.put("m1", model("v-base", List.of(version("v-base", null, null, "BASE", baseDigest)),
                new UnlearningPolicy("dkvb", Map.of(), List.of(), 2)));

        // When a batch comes
        TaskOutcome outcome = job().run(batch("m1", List.of("3")), "batches-0@0");

        // Then its requests end FAILED saying why, instead of the batch going to the dead-letter topic
        RequestStatus s = statuses(outcome).get(0);
        assertEquals(RequestState.FAILED, s.getState());
        assertTrue(s.getReason().contains("a classifier model is unlearned by retrain | fine_tune | neg_grad_plus |"
                + " contrastive, not 'dkvb'"), s.getReason());
    }
}
