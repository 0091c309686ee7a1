package io.unlearn.registry.recording;

import io.unlearn.catalog.PolicyCodec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.registry.errors.ModelAlreadyRegisteredException;
import io.unlearn.registry.lineage.LineageChain;
import io.unlearn.kit.lineage.LineageDetails;
import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.ModelEntry;
import io.unlearn.schemas.v1.ModelSamples;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationResult;

import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Decides what each input means for the lineage, as plain code over a {@link RegistryState} (no Kafka), and
 * returns the events already linked into their model's hash chain.
 *
 * <ul>
 *   <li>registration: BASE_REGISTERED, plus one merged ManifestEntry per subject;</li>
 *   <li>candidate: CANDIDATE_RECORDED once per version (a redelivery is a duplicate); unknown model or parent is
 *       rejected;</li>
 *   <li>verification: VERIFICATION_RECORDED once per version, then for PASSED an ALIAS_MOVED of
 *       {@code production} to the version, but only forward: when the alias is unset or points to one of the
 *       version's ancestors. A verdict on a version whose candidate is not recorded yet is deferred, since the two
 *       topics are consumed independently.</li>
 * </ul>
 */
public final class LineageRecorder {

    private final ObjectMapper json;
    private final Clock clock;

    public LineageRecorder(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * The events and manifest entries registering a base model whose artifact is stored under {@code digest}.
     *
     * @throws ModelAlreadyRegisteredException if the model already has a lineage
     */
    public Outcome.Append registerBase(BaseModelRegistration registration, String digest, RegistryState state) {
        String modelId = registration.modelId();
        if (state.hasModel(modelId)) {
            throw new ModelAlreadyRegisteredException(modelId);
        }
        Instant now = now();
        Map<String, Object> datasetJson = new LinkedHashMap<>();
        datasetJson.put("name", registration.dataset().name());
        datasetJson.put("subjects", registration.dataset().subjects().size());
        datasetJson.put("samples", registration.dataset().sampleCount());

        Map<String, String> details = new HashMap<>();
        details.put(LineageDetails.FAMILY, registration.family().id());
        details.put(LineageDetails.ARCHITECTURE, toJson(registration.architecture()));
        details.put(LineageDetails.POLICY, PolicyCodec.toJsonText(registration.policy()));
        details.put(LineageDetails.DATASET, toJson(datasetJson));
        details.put(LineageDetails.ARTIFACT_BYTES, Integer.toString(registration.artifact().length));
        LineageEvent base = draft(modelId, LineageEventType.BASE_REGISTERED, registration.baseVersionId(), null,
                null, List.of(), digest, details, now);

        List<ManifestEntry> entries = new ArrayList<>();
        registration.dataset().subjects().forEach((subject, samples) -> {
            List<ModelSamples> models = new ArrayList<>();
            state.manifestEntry(subject).ifPresent(existing -> existing.getModels().stream()
                    .filter(m -> !m.getModelId().equals(modelId)).forEach(models::add));
            models.add(new ModelSamples(modelId, registration.baseVersionId(), samples));
            entries.add(new ManifestEntry(subject, models, now));
        });
        // The model's family goes on the models topic, from which the stream-processor learns which scopes it serves.
        ModelEntry model = new ModelEntry(modelId, registration.family().id(), now);
        return new Outcome.Append(link(state, modelId, List.of(base)), entries, List.of(model));
    }

    /** What a candidate version means for the lineage. */
    public Outcome recordCandidate(CandidateVersion candidate, RegistryState state) {
        String modelId = candidate.getModelId();
        String versionId = candidate.getVersionId();
        if (!state.hasModel(modelId)) {
            return new Outcome.Rejected("candidate " + modelId + "/" + versionId + " names model '" + modelId
                    + "', which is not registered; register its base model first (POST /models)");
        }
        if (state.hasVersion(modelId, versionId)) {
            return new Outcome.Duplicate("candidate " + modelId + "/" + versionId + " is already recorded");
        }
        if (!state.hasVersion(modelId, candidate.getParentVersionId())) {
            return new Outcome.Rejected("candidate " + modelId + "/" + versionId + " names parent version '"
                    + candidate.getParentVersionId() + "', which the lineage of " + modelId + " does not hold");
        }
        if (!Digests.isSha256Hex(candidate.getArtifactDigest())) {
            return new Outcome.Rejected("candidate " + modelId + "/" + versionId + " has artifact digest '"
                    + candidate.getArtifactDigest() + "'; expected 64 lowercase hex characters (SHA-256)");
        }
        Map<String, String> details = new HashMap<>();
        details.put(LineageDetails.METHOD, candidate.getMethod());
        details.put(LineageDetails.METHOD_SETTINGS, toJson(new TreeMap<>(candidate.getMethodSettings())));
        details.put(LineageDetails.DEVICE, candidate.getDevice());
        details.put(LineageDetails.COST_WALL_TIME_MS, Long.toString(candidate.getCost().getWallTimeMs()));
        details.put(LineageDetails.COST_FORWARD_SAMPLE_PASSES,
                Long.toString(candidate.getCost().getForwardSamplePasses()));
        details.put(LineageDetails.COST_BACKWARD_SAMPLE_PASSES,
                Long.toString(candidate.getCost().getBackwardSamplePasses()));
        details.put(LineageDetails.ATTEMPT, Integer.toString(candidate.getAttempt()));
        details.put(LineageDetails.SEED, Long.toString(candidate.getSeed()));
        details.put(LineageDetails.CREATED_AT, candidate.getCreatedAt().toString());
        LineageEvent event = draft(modelId, LineageEventType.CANDIDATE_RECORDED, versionId,
                candidate.getParentVersionId(), candidate.getBatchId(), candidate.getRequestIds(),
                candidate.getArtifactDigest(), details, now());
        return new Outcome.Append(link(state, modelId, List.of(event)), List.of());
    }

    /** What a verification result means for the lineage. */
    public Outcome recordVerification(VerificationResult result, RegistryState state) {
        String modelId = result.getModelId();
        String versionId = result.getVersionId();
        if (!state.hasModel(modelId)) {
            return new Outcome.Rejected("verification of " + modelId + "/" + versionId + " names model '"
                    + modelId + "', which is not registered");
        }
        LineageEvent candidate = state.versionEvent(modelId, versionId).orElse(null);
        if (candidate == null) {
            return new Outcome.Deferred("verification of " + modelId + "/" + versionId
                    + " arrived before its candidate was recorded");
        }
        if (candidate.getType() == LineageEventType.BASE_REGISTERED) {
            return new Outcome.Rejected("verification of " + modelId + "/" + versionId
                    + " judges the base version; only candidates are verified");
        }
        if (state.isVerified(modelId, versionId)) {
            return new Outcome.Duplicate("verification of " + modelId + "/" + versionId + " is already recorded");
        }
        Instant now = now();
        Map<String, String> details = new HashMap<>();
        details.put(LineageDetails.VERDICT, result.getVerdict().name());
        details.put(LineageDetails.REASON, result.getReason());
        details.put(LineageDetails.CHECKS, toJson(result.getChecks().stream().map(c -> {
            Map<String, Object> check = new LinkedHashMap<>();
            check.put("metric", c.getMetric());
            check.put("value", c.getValue());
            check.put("comparator", c.getComparator());
            check.put("threshold", c.getThreshold());
            check.put("passed", c.getPassed());
            // "By what margin?": how far inside (positive) or outside (negative) the bound the value is.
            if ("<=".equals(c.getComparator())) {
                check.put("margin", c.getThreshold() - c.getValue());
            } else if (">=".equals(c.getComparator())) {
                check.put("margin", c.getValue() - c.getThreshold());
            }
            return check;
        }).toList()));
        details.put(LineageDetails.METRICS, toJson(new TreeMap<>(result.getMetrics())));
        details.put(LineageDetails.PARENT_METRICS, toJson(new TreeMap<>(result.getParentMetrics())));
        details.put(LineageDetails.REFERENCE_METRICS, toJson(new TreeMap<>(result.getReferenceMetrics())));
        details.put(LineageDetails.VERIFIED_AT, result.getVerifiedAt().toString());
        List<LineageEvent> drafts = new ArrayList<>();
        drafts.add(draft(modelId, LineageEventType.VERIFICATION_RECORDED, versionId,
                candidate.getParentVersionId(), result.getBatchId(), result.getRequestIds(),
                candidate.getArtifactDigest(), details, now));

        String production = state.aliasTarget(modelId, LineageDetails.PRODUCTION_ALIAS).orElse(null);
        boolean forward = production == null || state.descendsFrom(modelId, versionId, production);
        if (result.getVerdict() == Verdict.PASSED && forward) {
            Map<String, String> alias = new HashMap<>();
            alias.put(LineageDetails.ALIAS, LineageDetails.PRODUCTION_ALIAS);
            if (production != null) {
                alias.put(LineageDetails.PREVIOUS_VERSION_ID, production);
            }
            drafts.add(draft(modelId, LineageEventType.ALIAS_MOVED, versionId, candidate.getParentVersionId(),
                    result.getBatchId(), result.getRequestIds(), null, alias, now));
        }
        return new Outcome.Append(link(state, modelId, drafts), List.of());
    }

    private static List<LineageEvent> link(RegistryState state, String modelId, List<LineageEvent> drafts) {
        LineageChain chain = state.chainFor(modelId);
        return drafts.stream().map(chain::append).toList();
    }

    private static LineageEvent draft(String modelId, LineageEventType type, String versionId, String parent,
                                      String batchId, List<String> requestIds, String digest,
                                      Map<String, String> details, Instant at) {
        return LineageEvent.newBuilder()
                .setModelId(modelId)
                .setSequence(-1)
                .setType(type)
                .setVersionId(versionId)
                .setParentVersionId(parent)
                .setBatchId(batchId)
                .setRequestIds(List.copyOf(requestIds))
                .setArtifactDigest(digest)
                .setDetails(details)
                .setRecordedAt(at)
                .build();
    }

    /** Millisecond precision: the Avro timestamp-millis field keeps no more, and hashes must survive a round trip. */
    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private String toJson(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException("cannot write lineage detail as JSON", e);
        }
    }
}
