package io.unlearn.worker;

import io.unlearn.catalog.Attempt;
import io.unlearn.catalog.InvalidPolicyException;

import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.kit.modelregistry.ModelRegistryUnavailableException;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.kit.modelregistry.RegisteredVersion;
import io.unlearn.kit.processing.Output;
import io.unlearn.kit.processing.TaskOutcome;
import io.unlearn.kit.processing.TransactionalTaskLoop;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.UnlearningBatch;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.unlearning.errors.DatasetMissingException;
import io.unlearn.unlearning.errors.InvalidForgetRequestException;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import io.unlearn.worker.observability.UnlearnWorkerMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The work for one batch: from an {@link UnlearningBatch} to one candidate version and its requests' statuses.
 *
 * <ol>
 *   <li>Look the model up in the model-registry (unknown: the requests end FAILED).</li>
 *   <li>Wait while the model's previous candidate has no verdict, so its versions stay one linear chain.</li>
 *   <li>Load the current version (the {@code production} alias, else the base) from the artifact store; build
 *       D_f / D_r from the batch's sample ids and classes and the data set, leaving out what the parent already
 *       forgot (unknown samples: FAILED with the reason).</li>
 *   <li>Run the method the model's family ({@code FamilySpec.attempt}) picks for this attempt; record in the child what it forgot; store it.</li>
 *   <li>Return the {@link CandidateVersion} and one UNLEARNED status per request, which the loop publishes with
 *       the batch's offset in one transaction.</li>
 * </ol>
 * Passing trouble (registry or store unreachable, data set not installed) returns "retry later": nothing is lost
 * or decided on a guess. The version id is {@link VersionIds deterministic}, so redoing a batch after a crash
 * yields the same version.
 */
public final class BatchUnlearning implements TransactionalTaskLoop.Task<UnlearningBatch> {

    private static final Logger LOG = LoggerFactory.getLogger(BatchUnlearning.class);

    /**
     * Where the outputs go and how long to wait.
     *
     * @param candidatesTopic topic of candidate versions
     * @param requestStatusTopic topic of request statuses
     * @param verdictPoll wait between two looks at a pending verdict
     * @param retryBackoff wait after a passing failure
     */
    public record Settings(String candidatesTopic, String requestStatusTopic, Duration verdictPoll,
            Duration retryBackoff) {
    }

    /**
     * The version this worker last emitted per model (or, after a start, the last one the candidates topic holds),
     * until the registry shows its verdict.
     */
    private record Emitted(String versionId, String batchId, int attempt) {
    }

    private final Function<String, Optional<RegisteredModel>> models;
    private final ArtifactStore artifacts;
    private final Function<String, Dataset> datasets;
    private final Settings settings;
    private final UnlearnWorkerMetrics metrics;
    private final Clock clock;
    private final String device;
    private final Map<String, Emitted> awaitingVerdict = new ConcurrentHashMap<>();

    /**
     * @param models the model-registry's answer for a model id ({@code ModelRegistryClient::model})
     * @param artifacts where parents are read and candidates stored
     * @param datasets data set by name ({@code Unlearning::dataset})
     * @param settings topics and waits
     * @param metrics the worker's meters
     * @param clock for the outputs' timestamps
     */
    public BatchUnlearning(Function<String, Optional<RegisteredModel>> models, ArtifactStore artifacts,
            Function<String, Dataset> datasets, Settings settings, UnlearnWorkerMetrics metrics, Clock clock) {
        this.models = models;
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.settings = settings;
        this.metrics = metrics;
        this.clock = clock;
        this.device = Unlearning.defaultDevice();
    }

    /**
     * Takes over the last committed candidate of a model from before this worker started (see
     * {@link CommittedCandidates}): until the registry shows its verdict, no batch of the model starts. Without it,
     * a worker restarted before the registry recorded its predecessor's last candidate would build the next
     * version on that candidate's parent: a fork that leaves out the candidate's requests.
     *
     * @param candidate the model's last candidate on the candidates topic
     */
    public void resumeAfter(CandidateVersion candidate) {
        awaitingVerdict.putIfAbsent(candidate.getModelId(), new Emitted(candidate.getVersionId(),
                candidate.getBatchId(), candidate.getAttempt()));
    }

    @Override
    public TaskOutcome run(UnlearningBatch batch, String source) {
        String modelId = batch.getModelId();
        Optional<RegisteredModel> found;
        try {
            found = models.apply(modelId);
        } catch (ModelRegistryUnavailableException e) {
            return retry("unavailable", "the model-registry is unavailable: " + e.getMessage());
        }
        if (found.isEmpty()) {
            return failed(batch, "unknown model '" + modelId + "': the model-registry has no model with this id;"
                    + " register it (POST /models) and send the requests again", "none");
        }
        RegisteredModel model = found.get();
        Optional<String> pending = pendingVerdict(model, batch);
        if (pending.isPresent()) {
            metrics.waited("verdict");
            return TaskOutcome.retryLater(settings.verdictPoll(), pending.get());
        }
        Dataset dataset;
        try {
            dataset = datasets.apply(model.dataset().name());
        } catch (DatasetMissingException e) {
            return retry("unavailable", "data set '" + model.dataset().name() + "' of model '" + modelId
                    + "' is not installed: " + e.getMessage());
        } catch (UnlearningException e) {
            return failed(batch, "model '" + modelId + "' names a data set the worker cannot resolve: "
                    + e.getMessage(), "none");
        }
        BatchAdmission admission = BatchAdmission.of(batch, model.family(), dataset.train(), clock.instant());
        admission.refused().forEach(s -> LOG.warn("{} of {}: request {} FAILED alone: {}", batch.getBatchId(), modelId,
                s.getRequestId(), s.getReason()));
        if (admission.served().isEmpty()) {
            metrics.batch("failed", "none");
            return statusesOnly(admission.refused());
        }
        UnlearningBatch served = admission.served().get();
        ForgetRequest request = served.getRequests().stream().map(BatchAdmission::forgetRequest)
                .reduce(ForgetRequest.none(), ForgetRequest::union);
        RegisteredVersion parentVersion;
        try {
            parentVersion = model.current();
        } catch (ModelRegistryUnavailableException e) {
            return retry("unavailable", e.getMessage());
        }
        Optional<Attempt> attempt;
        try {
            attempt = model.family().attempt(model.policy(), batch.getAttempt());
        } catch (InvalidPolicyException e) {
            return failed(served, admission, "the model's policy cannot be carried out: " + e.getMessage(), "none");
        }
        if (attempt.isEmpty()) {
            return failed(served, admission, "the policy of model '" + modelId + "' allows no attempt "
                    + batch.getAttempt() + " (" + model.family().id() + " models " + (model.family().retrainable()
                    ? "escalate to exact retraining once" : "cannot be retrained") + ")", "none");
        }
        try (ModelHandle parent = load(parentVersion)) {
            Chosen choice = new Chosen(attempt.get(), parent.info().seed());
            UnlearningData data;
            try {
                data = UnlearningData.of(dataset.train(), dataset.test(), request, parent.forgotten());
            } catch (InvalidForgetRequestException e) {
                if (parentVersion.status().equals("PASSED") && forgottenAlready(dataset, request)) {
                    metrics.batch("already_forgotten", "none");
                    LOG.info("{} of {}: everything it names is already forgotten by {}", batch.getBatchId(),
                            modelId, parentVersion.versionId());
                    List<RequestStatus> statuses = new ArrayList<>(admission.refused());
                    statuses.addAll(Statuses.alreadyForgotten(served, parentVersion.versionId(), clock.instant()));
                    return statusesOnly(statuses);
                }
                return failed(served, admission, "model '" + modelId + "' (data set " + model.dataset().name() + "): "
                        + e.getMessage(), "none");
            }
            return unlearn(served, admission, model, parentVersion, parent, request, data, choice);
        } catch (ParentUnavailable e) {
            return retry("unavailable", e.getMessage());
        } catch (IOException e) {
            return retry("unavailable", "artifact store " + e);
        }
    }

    private TaskOutcome unlearn(UnlearningBatch batch, BatchAdmission admission, RegisteredModel model,
            RegisteredVersion parentVersion, ModelHandle parent, ForgetRequest request, UnlearningData data,
            Chosen choice) throws IOException {
        String versionId = VersionIds.of(model.modelId(), parentVersion.versionId(), batch.getBatchId(),
                batch.getAttempt());
        int forget = data.forgetPositions().length;
        LOG.info("{} of {} (attempt {}): {} from {} on {}: |D_f|={} |D_r|={}, settings {}", batch.getBatchId(),
                model.modelId(), batch.getAttempt(), choice.name(), parentVersion.versionId(), device, forget,
                data.retainPositions().length, new TreeMap<>(choice.applied()));
        UnlearningResult result;
        try {
            result = Unlearning.method(model.family(), choice.attempt().settings(), parent.info().seed())
                    .apply(parent, data);
        } catch (UnlearningException e) {
            // E.g. a method the model's family does not support: only a policy change can help.
            return failed(batch, admission, choice.name() + " cannot unlearn model '" + model.modelId() + "' (family "
                    + model.family() + "): " + e.getMessage(), choice.name());
        }
        try (ModelHandle child = result.model()) {
            child.recordForgotten(parent.forgotten().union(request));
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            child.save(bytes);
            String digest = artifacts.put(new ByteArrayInputStream(bytes.toByteArray()));
            var cost = result.cost();
            double seconds = cost.wallTimeMs() / 1000.0;
            LOG.info("{} of {}: candidate {} in {} s ({} sample passes/s), artifact {}", batch.getBatchId(),
                    model.modelId(), versionId, String.format("%.1f", seconds),
                    Math.round((cost.forwardSamplePasses() + cost.backwardSamplePasses()) / Math.max(seconds, 1e-3)),
                    digest.substring(0, 12));
            metrics.unlearning(choice.name(), Duration.ofMillis(cost.wallTimeMs()), forget);
            metrics.batch("candidate", choice.name());
            CandidateVersion candidate = CandidateVersion.newBuilder()
                    .setModelId(model.modelId())
                    .setVersionId(versionId)
                    .setParentVersionId(parentVersion.versionId())
                    .setBatchId(batch.getBatchId())
                    .setRequestIds(batch.getRequests().stream().map(r -> r.getRequestId()).distinct().toList())
                    .setMethod(choice.name())
                    .setMethodSettings(choice.applied())
                    .setArtifactDigest(digest)
                    .setDevice(device)
                    .setCost(new UnlearningCost(cost.wallTimeMs(), cost.forwardSamplePasses(),
                            cost.backwardSamplePasses()))
                    .setAttempt(batch.getAttempt())
                    .setSeed(choice.seed())
                    .setCreatedAt(clock.instant())
                    .setSampleIds(batch.getSampleIds())
                    .setClassLabels(batch.getClassLabels())
                    .setRequests(batch.getRequests())
                    .build();
            List<Output> outputs = new ArrayList<>();
            outputs.add(new Output(settings.candidatesTopic(), model.modelId(), candidate));
            for (RequestStatus s : admission.refused()) {
                outputs.add(new Output(settings.requestStatusTopic(), s.getRequestId(), s));
            }
            for (RequestStatus s : Statuses.unlearned(batch, versionId, choice.name(), choice.applied(), clock.instant())) {
                outputs.add(new Output(settings.requestStatusTopic(), s.getRequestId(), s));
            }
            if (Thread.currentThread().isInterrupted()) {
                // The loop gave up on this attempt (task timeout) and will never publish it: record nothing.
                throw new IllegalStateException("batch " + batch.getBatchId() + " was abandoned by the loop");
            }
            awaitingVerdict.put(model.modelId(), new Emitted(versionId, batch.getBatchId(), batch.getAttempt()));
            return TaskOutcome.publish(outputs);
        }
    }

    /**
     * Why this batch must wait, if it must: the registry holds a candidate without a verdict, or this worker's own
     * last candidate for the model has not yet shown up there with one (the registry lags behind the topic).
     */
    private Optional<String> pendingVerdict(RegisteredModel model, UnlearningBatch batch) {
        Emitted own = awaitingVerdict.get(model.modelId());
        if (own != null && own.batchId().equals(batch.getBatchId()) && own.attempt() == batch.getAttempt()) {
            // This very batch attempt again (its outputs were not committed): redo it, do not wait for ourselves.
            return Optional.empty();
        }
        Optional<RegisteredVersion> unverified = model.unverifiedCandidate();
        if (unverified.isPresent()) {
            return Optional.of("model '" + model.modelId() + "' has candidate " + unverified.get().versionId()
                    + " awaiting its verdict; its versions stay one chain");
        }
        if (own != null) {
            Optional<RegisteredVersion> recorded = model.version(own.versionId());
            if (recorded.isEmpty() || recorded.get().awaitingVerdict()) {
                return Optional.of("waiting for the verdict on candidate " + own.versionId() + " of model '"
                        + model.modelId() + "' (" + (recorded.isEmpty() ? "not yet recorded by the model-registry"
                        : "recorded, not yet verified") + ")");
            }
            awaitingVerdict.remove(model.modelId(), own);
        }
        return Optional.empty();
    }

    /** Whether the request alone is valid for D, so that only the parent's earlier forgetting emptied D_f. */
    private static boolean forgottenAlready(Dataset dataset, ForgetRequest request) {
        try {
            UnlearningData.of(dataset.train(), dataset.test(), request);
            return true;
        } catch (InvalidForgetRequestException e) {
            return false;
        }
    }

    private ModelHandle load(RegisteredVersion version) throws IOException {
        String digest = version.artifactDigest();
        Optional<InputStream> in = digest == null || !Digests.isSha256Hex(digest) ? Optional.empty()
                : artifacts.open(digest);
        if (in.isEmpty()) {
            throw new ParentUnavailable("artifact " + digest + " of version " + version.versionId()
                    + " is not in the artifact store; check that artifact.dir is the model-registry's");
        }
        byte[] bytes;
        try (InputStream stream = in.get()) {
            bytes = stream.readAllBytes();
        }
        if (!Digests.sha256Hex(bytes).equals(digest)) {
            throw new ParentUnavailable("artifact of version " + version.versionId() + " does not match its digest "
                    + digest + " (changed after it was stored); restore it before this model can be unlearned");
        }
        try {
            return Unlearning.loadModel(new ByteArrayInputStream(bytes));
        } catch (ModelFormatException e) {
            throw new ParentUnavailable("artifact of version " + version.versionId() + " is not a loadable model: "
                    + e.getMessage());
        }
    }

    private TaskOutcome retry(String reason, String why) {
        metrics.waited(reason);
        LOG.warn("Retrying in {} ms: {}", settings.retryBackoff().toMillis(), why);
        return TaskOutcome.retryLater(settings.retryBackoff(), why);
    }

    private TaskOutcome failed(UnlearningBatch served, BatchAdmission admission, String reason, String method) {
        LOG.warn("{} of {} FAILED: {}", served.getBatchId(), served.getModelId(), reason);
        metrics.batch("failed", method);
        List<RequestStatus> statuses = new ArrayList<>(admission.refused());
        statuses.addAll(Statuses.failed(served, reason, clock.instant()));
        return statusesOnly(statuses);
    }

    /** The loop gave up on the batch (the task threw, hung or waited too long): every request ends FAILED. */
    @Override
    public List<Output> onFailure(UnlearningBatch batch, String source, Throwable error) {
        metrics.batch("failed", "none");
        // A candidate this attempt may have noted was never published: the model's next batch must not wait for it.
        Emitted own = awaitingVerdict.get(batch.getModelId());
        if (own != null && own.batchId().equals(batch.getBatchId()) && own.attempt() == batch.getAttempt()) {
            awaitingVerdict.remove(batch.getModelId(), own);
        }
        String reason = "the unlearn-worker gave up on batch " + batch.getBatchId() + " ("
                + TransactionalTaskLoop.reason(error) + "); the batch is on the dead-letter topic, send the requests"
                + " again once the cause is fixed";
        return Statuses.failed(batch, reason, clock.instant()).stream()
                .map(s -> new Output(settings.requestStatusTopic(), s.getRequestId(), s)).toList();
    }

    private TaskOutcome failed(UnlearningBatch batch, String reason, String method) {
        LOG.warn("{} of {} FAILED: {}", batch.getBatchId(), batch.getModelId(), reason);
        metrics.batch("failed", method);
        return statusesOnly(Statuses.failed(batch, reason, clock.instant()));
    }

    private TaskOutcome statusesOnly(List<RequestStatus> statuses) {
        return TaskOutcome.publish(statuses.stream()
                .map(s -> new Output(settings.requestStatusTopic(), s.getRequestId(), s)).toList());
    }

    /** The parent version cannot be loaded now; an operator must fix the store, so the batch waits. */
    private static final class ParentUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ParentUnavailable(String message) {
            super(message);
        }
    }

    /**
     * An attempt as the worker records it: the method's id, every setting it ran with and the seed ({@code seed} of
     * the settings; exact retraining takes the parent's, which no policy sets).
     */
    private record Chosen(Attempt attempt, long parentSeed) {
        String name() {
            return attempt.method().id();
        }

        Map<String, String> applied() {
            Map<String, String> applied = new TreeMap<>(attempt.settings().values());
            if (attempt.exact()) {
                applied.put("seed", Long.toString(parentSeed));
            }
            return applied;
        }

        long seed() {
            String seed = applied().get("seed");
            return seed == null ? 0L : Long.parseLong(seed);
        }
    }
}
