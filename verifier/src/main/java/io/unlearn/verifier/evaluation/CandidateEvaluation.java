package io.unlearn.verifier.evaluation;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.InvalidPolicyException;
import io.unlearn.catalog.MethodSpec;
import io.unlearn.catalog.SettingSpec;
import io.unlearn.catalog.Settings;
import io.unlearn.catalog.families.Classifiers;

import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.kit.modelregistry.RegisteredModel;
import io.unlearn.kit.modelregistry.RegisteredVersion;
import io.unlearn.catalog.Threshold;
import io.unlearn.catalog.UnlearningPolicy;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.unlearning.errors.InvalidForgetRequestException;
import io.unlearn.unlearning.errors.ModelFormatException;
import io.unlearn.unlearning.spi.Dataset;
import io.unlearn.unlearning.spi.Evaluation;
import io.unlearn.unlearning.spi.EvaluationSettings;
import io.unlearn.unlearning.spi.ForgetRequest;
import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.TrainingRecipe;
import io.unlearn.unlearning.spi.Unlearning;
import io.unlearn.unlearning.spi.UnlearningData;
import io.unlearn.unlearning.spi.UnlearningResult;
import io.unlearn.verifier.errors.ArtifactException;
import io.unlearn.verifier.errors.UnverifiableCandidateException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Measures one candidate against its parent, and against a retrained reference when a threshold names a gap
 * metric.
 *
 * <p>The split is the batch's: {@code D_f = candidate.forgotten() \ parent.forgotten()} (both read from the
 * digest-checked artifacts, so the split is what the parameters were made to forget, not what a record claims),
 * {@code D_r} excludes everything either version forgot, {@code D_t} excludes every forgotten class. The
 * reference is exact retraining from the parent on that split with the parent's seed: the model the candidate
 * should be indistinguishable from.
 */
public final class CandidateEvaluation {

    private static final Logger LOG = LoggerFactory.getLogger(CandidateEvaluation.class);

    private final ArtifactStore artifacts;
    private final Function<String, Dataset> datasets;
    private final EvaluationSettings settings;
    private final TrainingRecipe referenceRecipe;

    /**
     * @param artifacts       where the candidate's and the parent's artifacts are
     * @param datasets        dataset by name (see {@link DatasetCache})
     * @param settings        what each evaluation computes
     * @param referenceRecipe the retrained reference's recipe where the policy does not set one (see
     *                        {@link #referenceRecipe}); its seed is replaced by the parent's
     */
    public CandidateEvaluation(ArtifactStore artifacts, Function<String, Dataset> datasets,
                               EvaluationSettings settings, TrainingRecipe referenceRecipe) {
        this.artifacts = artifacts;
        this.datasets = datasets;
        this.settings = settings;
        this.referenceRecipe = referenceRecipe;
    }

    /**
     * @param model     the candidate's model as the registry lists it (policy, dataset, parent's digest)
     * @param candidate the candidate
     * @return the figures
     * @throws ArtifactException               when an artifact is missing, altered or not a model
     * @throws UnverifiableCandidateException  when the parent is not a version of the model or the split is invalid
     * @throws io.unlearn.unlearning.errors.DatasetMissingException when the model's dataset is not installed
     */
    public Measurements measure(RegisteredModel model, CandidateVersion candidate) {
        RegisteredVersion parentVersion = model.version(candidate.getParentVersionId()).orElseThrow(() ->
                new UnverifiableCandidateException("parent version " + candidate.getParentVersionId() + " is not a"
                        + " version of model " + model.modelId() + " in the model-registry (versions: "
                        + model.versions().stream().map(RegisteredVersion::versionId).toList() + ")"));
        if (parentVersion.artifactDigest() == null) {
            throw new UnverifiableCandidateException("the model-registry lists no artifact digest for parent"
                    + " version " + parentVersion.versionId() + " of model " + model.modelId());
        }
        byte[] parentBytes = verifiedBytes(parentVersion.artifactDigest(), "parent version "
                + parentVersion.versionId(), true);
        byte[] candidateBytes = verifiedBytes(candidate.getArtifactDigest(), "candidate version "
                + candidate.getVersionId(), false);
        Dataset dataset = datasets.apply(model.dataset().name());
        try (ModelHandle parent = load(parentBytes, "parent version " + parentVersion.versionId(), true);
             ModelHandle child = load(candidateBytes, "candidate version " + candidate.getVersionId(), false)) {
            ForgetRequest already = parent.forgotten();
            ForgetRequest request = child.forgotten().minus(already);
            if (request.isEmpty()) {
                throw new UnverifiableCandidateException("candidate version " + candidate.getVersionId()
                        + " records nothing forgotten beyond its parent " + parentVersion.versionId()
                        + "; a candidate must forget its batch (" + candidate.getSampleIds().size() + " samples, "
                        + "classes " + candidate.getClassLabels() + ")");
            }
            UnlearningData data;
            try {
                data = UnlearningData.of(dataset.train(), dataset.test(), request, already);
            } catch (InvalidForgetRequestException e) {
                throw new UnverifiableCandidateException("the forget set of candidate version "
                        + candidate.getVersionId() + " does not fit dataset " + model.dataset().name() + ": "
                        + e.getMessage(), e);
            }
            LOG.info("Measuring {} of {} (parent {}, {}) on {}", candidate.getVersionId(), model.modelId(),
                    parentVersion.versionId(), candidate.getMethod(), data);
            FamilySpec family = model.family();
            // The catalog says which costly metrics this policy asks for (e.g. DKVB's linear probe).
            EvaluationSettings asked = family.requestedExtras(model.policy()).contains(Classifiers.PROBE_FORGET_ACCURACY)
                    ? settings.withProbe() : settings;
            Evaluation onChild = Unlearning.evaluate(child, data, asked);
            Evaluation onParent = Unlearning.evaluate(parent, data, asked);
            Evaluation onReference = null;
            if (family.needsReference(model.policy()) && family.retrainable()) {
                Settings recipe = referenceSettings(family, model.policy(), referenceRecipe);
                UnlearningResult retrained = Unlearning.method(family, recipe, parent.info().seed())
                        .apply(parent, data);
                try (ModelHandle reference = retrained.model()) {
                    onReference = Unlearning.evaluate(reference, data, asked);
                }
                LOG.info("Retrained reference for {} in {} ms", candidate.getVersionId(),
                        retrained.cost().wallTimeMs());
                onChild = onChild.withGapsTo(onReference, family);
                onParent = onParent.withGapsTo(onReference, family);
            }
            return new Measurements(onChild.values(), onParent.values(),
                    onReference == null ? Map.of() : onReference.values(),
                    request.sampleIds().stream().sorted(NUMERIC_FIRST).toList(),
                    request.classes().stream().sorted().toList());
        }
    }

    /**
     * The reference's settings: those the unlearn-worker's exact retraining runs with under this policy (its
     * {@code retrain.*} settings, or its own settings when its method is exact retraining), so the reference is the
     * model exact retraining would produce; a setting the policy leaves out comes from {@code fallback}, the
     * verifier's {@code reference.*} configuration, unless the family's default for it is 0, "the parent's saved
     * recipe" (then the reference keeps the parent's recipe, as the worker's retraining does). The seed is always
     * the parent's.
     *
     * @param family the model's family, which must be retrainable
     * @param policy the model's policy
     * @param fallback the configured reference recipe
     * @return complete settings of the family's exact retraining
     * @throws UnverifiableCandidateException naming the setting when a value is not valid
     */
    public static Settings referenceSettings(FamilySpec family, UnlearningPolicy policy, TrainingRecipe fallback) {
        MethodSpec retrain = family.retraining().orElseThrow(() -> new UnverifiableCandidateException("a "
                + family.id() + " model cannot be retrained, so it has no reference"));
        Map<String, String> given = new LinkedHashMap<>();
        given.put("epochs", Integer.toString(fallback.epochs()));
        given.put("batchSize", Integer.toString(fallback.batchSize()));
        given.put("learningRate", Float.toString(fallback.learningRate()));
        // The configured recipe stands in only for settings that need a value; where the family's retraining
        // defaults to 0 = "the parent's saved recipe" (dual_encoder, denoiser), the reference keeps that recipe, as
        // the worker's retraining does (the classifier's 4 epochs at batch 128 would override a denoiser's own).
        given.keySet().removeIf(name -> retrain.setting(name).map(s -> parentsRecipe(s)).orElse(true));
        given.putAll(retrain == family.method(policy.method()).orElse(null) ? policy.methodSettings()
                : policy.retrainSettings());
        try {
            return retrain.resolve(given);
        } catch (InvalidPolicyException e) {
            throw new UnverifiableCandidateException("the policy's exact-retraining settings cannot make the retrained"
                    + " reference: " + e.getMessage(), e);
        }
    }

    private static boolean parentsRecipe(SettingSpec setting) {
        try {
            return Double.parseDouble(setting.defaultValue()) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Sample ids are decimal indices: sort 9 before 10. */
    private static final Comparator<String> NUMERIC_FIRST =
            Comparator.comparingInt(String::length).thenComparing(Comparator.naturalOrder());

    /**
     * Reads the whole artifact and checks its digest on the very bytes that get loaded (checking the file and then
     * reading it again would leave a window for a swap).
     */
    private byte[] verifiedBytes(String digest, String what, boolean parent) {
        if (!Digests.isSha256Hex(digest)) {
            throw new ArtifactException("the artifact digest '" + digest + "' of " + what + " is not 64 lowercase"
                    + " hex characters", parent);
        }
        byte[] bytes;
        try {
            Optional<InputStream> in = artifacts.open(digest);
            if (in.isEmpty()) {
                throw new ArtifactException("the artifact " + digest + " of " + what + " is missing from the"
                        + " artifact store", parent);
            }
            try (InputStream stream = in.get()) {
                bytes = stream.readAllBytes();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the artifact " + digest + " of " + what, e);
        }
        String actual = Digests.sha256Hex(bytes);
        if (!actual.equals(digest)) {
            throw new ArtifactException("the stored artifact of " + what + " was altered: its bytes hash to "
                    + actual + ", not to the recorded digest " + digest, parent);
        }
        return bytes;
    }

    private static ModelHandle load(byte[] bytes, String what, boolean parent) {
        try {
            return Unlearning.loadModel(new ByteArrayInputStream(bytes));
        } catch (ModelFormatException e) {
            throw new ArtifactException("the artifact of " + what + " is not a readable model: " + e.getMessage(),
                    parent);
        }
    }
}
