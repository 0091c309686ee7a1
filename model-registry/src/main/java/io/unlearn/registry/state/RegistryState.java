package io.unlearn.registry.state;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.unlearn.registry.errors.NotFoundException;
import io.unlearn.registry.lineage.LineageChain;
import io.unlearn.kit.lineage.LineageDetails;
import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.registry.state.Views.AliasView;
import io.unlearn.registry.state.Views.Attempt;
import io.unlearn.registry.state.Views.DeadlinesView;
import io.unlearn.registry.state.Views.DueRequest;
import io.unlearn.registry.state.Views.EventRef;
import io.unlearn.registry.state.Views.FirstExcludingVersion;
import io.unlearn.registry.state.Views.LateRequest;
import io.unlearn.registry.state.Views.LineageStep;
import io.unlearn.registry.state.Views.ModelExclusion;
import io.unlearn.registry.state.Views.ModelSummary;
import io.unlearn.registry.state.Views.ModelView;
import io.unlearn.registry.state.Views.RequestView;
import io.unlearn.registry.state.Views.StatusView;
import io.unlearn.registry.state.Views.VerificationView;
import io.unlearn.registry.state.Views.VersionStatus;
import io.unlearn.registry.state.Views.VersionSummary;
import io.unlearn.registry.state.Views.VersionView;
import io.unlearn.schemas.RequestSettlement;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.ManifestEntry;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Everything the registry answers, folded from the records of three topics: lineage events (models, versions,
 * verdicts, aliases), request statuses (each request's history) and training-manifest entries (to merge new
 * ones). It holds no other source of truth: a new instance fed the same topics from the beginning gives the
 * same answers, which is how the registry rebuilds after a restart.
 *
 * <p>Thread-safe: one consumer thread applies records while HTTP threads query; every answer is an immutable
 * snapshot. Events must be applied in log order per model.
 */
public final class RegistryState {

    private final ObjectMapper json;
    private final Map<String, ModelState> models = new TreeMap<>();
    private final Map<String, List<RequestStatus>> statusesByRequest = new LinkedHashMap<>();
    /** The first deadline a status of each request carried: later writers may not know it (the verifier does not). */
    private final Map<String, Instant> deadlineByRequest = new HashMap<>();
    private final Map<String, ManifestEntry> manifest = new LinkedHashMap<>();
    private final List<LineageEvent> log = new ArrayList<>();

    public RegistryState(ObjectMapper json) {
        this.json = json;
    }

    private static final class ModelState {
        final String modelId;
        LineageEvent base;
        final Map<String, VersionState> versions = new LinkedHashMap<>(); // chain order: base, then candidates
        final Map<String, AliasView> aliases = new TreeMap<>();
        LineageEvent last;

        ModelState(String modelId) {
            this.modelId = modelId;
        }
    }

    private static final class VersionState {
        LineageEvent recorded; // BASE_REGISTERED or CANDIDATE_RECORDED
        EventRef recordedRef;
        LineageEvent verification;
        EventRef verificationRef;
    }

    // ---------------------------------------------------------------- applying records

    /** Folds one lineage event in. Events of a model must arrive in log order; other models' may interleave. */
    public synchronized void apply(LineageEvent event) {
        log.add(event);
        ModelState model = models.computeIfAbsent(event.getModelId(), ModelState::new);
        model.last = event;
        EventRef ref = new EventRef(event.getSequence(), event.getType().name(), LineageHashes.hash(event),
                event.getRecordedAt().toString());
        switch (event.getType()) {
            case BASE_REGISTERED, CANDIDATE_RECORDED -> {
                if (event.getType() == LineageEventType.BASE_REGISTERED) {
                    model.base = event;
                }
                VersionState version = model.versions.computeIfAbsent(event.getVersionId(), v -> new VersionState());
                version.recorded = event;
                version.recordedRef = ref;
            }
            case VERIFICATION_RECORDED -> {
                VersionState version = model.versions.computeIfAbsent(event.getVersionId(), v -> new VersionState());
                version.verification = event;
                version.verificationRef = ref;
            }
            case ALIAS_MOVED -> {
                String alias = event.getDetails().getOrDefault(LineageDetails.ALIAS, LineageDetails.PRODUCTION_ALIAS);
                model.aliases.put(alias, new AliasView(model.modelId, alias, event.getVersionId(),
                        event.getDetails().get(LineageDetails.PREVIOUS_VERSION_ID), ref));
            }
            default -> throw new IllegalStateException("unhandled lineage event type " + event.getType());
        }
    }

    /** Appends one status to its request's history. */
    public synchronized void apply(RequestStatus status) {
        statusesByRequest.computeIfAbsent(status.getRequestId(), r -> new ArrayList<>()).add(status);
        if (status.getDeadline() != null) {
            deadlineByRequest.putIfAbsent(status.getRequestId(), status.getDeadline());
        }
    }

    /** Takes the latest training-manifest entry of a subject (the topic is compacted: the latest entry wins). */
    public synchronized void apply(ManifestEntry entry) {
        if (entry != null) {
            manifest.put(entry.getSubjectId(), entry);
        }
    }

    /** Forgets a subject's manifest entry (a tombstone on the compacted topic). */
    public synchronized void removeManifestEntry(String subjectId) {
        manifest.remove(subjectId);
    }

    // ---------------------------------------------------------------- facts the writer needs

    public synchronized boolean hasModel(String modelId) {
        ModelState model = models.get(modelId);
        return model != null && model.base != null;
    }

    /** Whether a BASE_REGISTERED or CANDIDATE_RECORDED event names this version. */
    public synchronized boolean hasVersion(String modelId, String versionId) {
        ModelState model = models.get(modelId);
        return model != null && model.versions.containsKey(versionId)
                && model.versions.get(versionId).recorded != null;
    }

    /** Whether a verdict on this version is already in the lineage. */
    public synchronized boolean isVerified(String modelId, String versionId) {
        ModelState model = models.get(modelId);
        return model != null && model.versions.containsKey(versionId)
                && model.versions.get(versionId).verification != null;
    }

    /** The event that recorded this version (BASE_REGISTERED or CANDIDATE_RECORDED), if any. */
    public synchronized Optional<LineageEvent> versionEvent(String modelId, String versionId) {
        ModelState model = models.get(modelId);
        VersionState version = model == null ? null : model.versions.get(versionId);
        return Optional.ofNullable(version == null ? null : version.recorded);
    }

    /** The version an alias points to, if it was ever moved. */
    public synchronized Optional<String> aliasTarget(String modelId, String alias) {
        ModelState model = models.get(modelId);
        AliasView view = model == null ? null : model.aliases.get(alias);
        return Optional.ofNullable(view == null ? null : view.versionId());
    }

    /** Whether {@code ancestor} is {@code versionId} itself or on its path to the base. */
    public synchronized boolean descendsFrom(String modelId, String versionId, String ancestor) {
        return pathToBase(models.get(modelId), versionId).stream()
                .anyMatch(v -> v.recorded.getVersionId().equals(ancestor));
    }

    /** A chain whose heads are the current last events of the given models, ready to append to. */
    public synchronized LineageChain chainFor(String... modelIds) {
        LineageChain chain = new LineageChain();
        for (String modelId : modelIds) {
            ModelState model = models.get(modelId);
            if (model != null && model.last != null) {
                chain.replay(model.last);
            }
        }
        return chain;
    }

    /** The lineage events a receipt for one model rests on: its first excluding version's two, and the chain head. */
    public record ReceiptEvents(LineageEvent candidate, LineageEvent verification, LineageEvent head) {
    }

    /**
     * The events recording a version and its verdict, and the model's last event now, or empty while the version
     * has no verdict. Versions are immutable once recorded, so these match what {@link #request} named.
     */
    public synchronized Optional<ReceiptEvents> receiptEvents(String modelId, String versionId) {
        ModelState model = models.get(modelId);
        VersionState version = model == null ? null : model.versions.get(versionId);
        if (version == null || version.recorded == null || version.verification == null) {
            return Optional.empty();
        }
        return Optional.of(new ReceiptEvents(version.recorded, version.verification, model.last));
    }

    /** The latest training-manifest entry of a subject, if the registry has seen one. */
    public synchronized Optional<ManifestEntry> manifestEntry(String subjectId) {
        return Optional.ofNullable(manifest.get(subjectId));
    }

    /** Every lineage event applied so far, in the order applied (log order per model). */
    public synchronized List<LineageEvent> events() {
        return List.copyOf(log);
    }

    public synchronized int eventCount() {
        return log.size();
    }

    public synchronized int modelCount() {
        return (int) models.values().stream().filter(m -> m.base != null).count();
    }

    public synchronized int versionCount() {
        return models.values().stream().mapToInt(m -> m.versions.size()).sum();
    }

    // ---------------------------------------------------------------- REST answers

    /** {@code GET /models}: every registered model, by id. */
    public synchronized List<ModelSummary> models() {
        return models.values().stream().filter(m -> m.base != null).map(m -> new ModelSummary(m.modelId,
                m.base.getDetails().get(LineageDetails.FAMILY), m.base.getVersionId(), currentVersion(m),
                aliasTargets(m), m.versions.size(), m.base.getRecordedAt().toString())).toList();
    }

    /** {@code GET /models/{id}}. */
    public synchronized ModelView model(String modelId) {
        ModelState m = requireModel(modelId);
        Map<String, String> details = m.base.getDetails();
        return new ModelView(m.modelId, details.get(LineageDetails.FAMILY), m.base.getVersionId(), currentVersion(m),
                aliasTargets(m), parse(details.get(LineageDetails.ARCHITECTURE)),
                parse(details.get(LineageDetails.POLICY)), parse(details.get(LineageDetails.DATASET)),
                m.base.getRecordedAt().toString(), m.last.getSequence() + 1, versionSummaries(m));
    }

    /** {@code GET /models/{id}/versions}: the model's versions in chain order, the base first. */
    public synchronized List<VersionSummary> versions(String modelId) {
        return versionSummaries(requireModel(modelId));
    }

    /** {@code GET /models/{id}/versions/{v}}. */
    public synchronized VersionView version(String modelId, String versionId) {
        ModelState m = requireModel(modelId);
        VersionState v = requireVersion(m, versionId);
        LineageEvent e = v.recorded;
        List<EventRef> events = new ArrayList<>();
        events.add(v.recordedRef);
        if (v.verificationRef != null) {
            events.add(v.verificationRef);
        }
        m.aliases.values().stream().filter(a -> a.versionId().equals(versionId)).map(AliasView::movedBy)
                .forEach(events::add);
        List<String> aliases = m.aliases.values().stream().filter(a -> a.versionId().equals(versionId))
                .map(AliasView::alias).toList();
        List<LineageStep> path = pathToBase(m, versionId).stream().map(s -> new LineageStep(
                s.recorded.getVersionId(), s.recorded.getParentVersionId(), s.recorded.getBatchId(), status(s),
                List.copyOf(s.recorded.getRequestIds()))).toList();
        return new VersionView(m.modelId, versionId, e.getParentVersionId(), e.getBatchId(), status(v),
                List.copyOf(e.getRequestIds()), e.getArtifactDigest(), details(e), verification(v), aliases,
                path, events);
    }

    /** {@code GET /models/{id}/aliases/{alias}}. */
    public synchronized AliasView alias(String modelId, String alias) {
        ModelState m = requireModel(modelId);
        AliasView view = m.aliases.get(alias);
        if (view == null) {
            if (LineageDetails.PRODUCTION_ALIAS.equals(alias)) {
                throw new NotFoundException("alias 'production' of model '" + modelId + "' has not been set: no"
                        + " version has passed verification yet (the current version is the base '"
                        + m.base.getVersionId() + "')");
            }
            throw new NotFoundException("model '" + modelId + "' has no alias '" + alias + "' (known: "
                    + (m.aliases.isEmpty() ? "none" : String.join(", ", m.aliases.keySet())) + ")");
        }
        return view;
    }

    /**
     * {@code GET /requests/{requestId}}: the request's status history, and per model the first version that
     * excludes it: the first PASSED version, in chain order, whose request ids contain it, or, when no version
     * names it, the PASSED version its VERIFIED status names (its samples were already forgotten on arrival). Every
     * version recorded after it descends from it (the production alias only moves forward along the chain), so
     * every later production version excludes the request as well.
     */
    public synchronized RequestView request(String requestId) {
        List<StatusView> history = statusesByRequest.getOrDefault(requestId, List.of()).stream()
                .map(s -> new StatusView(s.getState().name(), s.getModelId(), s.getBatchId(), s.getVersionId(),
                        s.getReason(), List.copyOf(s.getFlags()), s.getStage(), s.getAt().toString()))
                .toList();
        List<ModelExclusion> exclusions = new ArrayList<>();
        for (ModelState m : models.values()) {
            List<Attempt> attempts = new ArrayList<>();
            FirstExcludingVersion first = null;
            for (VersionState v : m.versions.values()) {
                if (v.recorded == null || !v.recorded.getRequestIds().contains(requestId)) {
                    continue;
                }
                VersionStatus status = status(v);
                attempts.add(new Attempt(v.recorded.getVersionId(), v.recorded.getBatchId(), status));
                if (first == null && status == VersionStatus.PASSED) {
                    first = firstExcluding(v);
                }
            }
            boolean onArrival = false;
            if (attempts.isEmpty()) {
                Optional<VersionState> already = excludedOnArrival(m, requestId);
                if (already.isEmpty()) {
                    continue;
                }
                first = firstExcluding(already.get());
                onArrival = true;
            }
            String current = currentVersion(m);
            String firstId = first == null ? null : first.versionId();
            boolean currentExcludes = firstId != null && pathToBase(m, current).stream()
                    .anyMatch(v -> v.recorded.getVersionId().equals(firstId));
            exclusions.add(new ModelExclusion(m.modelId, first, current, currentExcludes, attempts, onArrival));
        }
        if (history.isEmpty() && exclusions.isEmpty()) {
            throw new NotFoundException("deletion request '" + requestId + "' is unknown to the registry: no status"
                    + " on the request-status topic and no version names it");
        }
        return new RequestView(requestId, text(deadlineByRequest.get(requestId)),
                text(RequestSettlement.settledAt(statusesByRequest.getOrDefault(requestId, List.of())).orElse(null)),
                history, exclusions);
    }

    /**
     * {@code GET /deadlines}: the open requests whose deadline is at most {@code within} after {@code now} (overdue
     * ones, whose deadline has passed, included), and the requests that settled after their deadline (late). A
     * request is open until it settles ({@link RequestSettlement}): per model, VERIFIED or FAILED as its latest
     * state. Requests whose statuses carried no deadline are in neither list.
     */
    public synchronized DeadlinesView deadlines(Duration within, Instant now) {
        Instant horizon = now.plus(within);
        List<DueRequest> due = new ArrayList<>();
        List<LateRequest> late = new ArrayList<>();
        List<Map.Entry<String, Instant>> byDeadline = new ArrayList<>(deadlineByRequest.entrySet());
        byDeadline.sort(Map.Entry.<String, Instant>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        for (Map.Entry<String, Instant> entry : byDeadline) {
            String requestId = entry.getKey();
            Instant deadline = entry.getValue();
            List<RequestStatus> history = statusesByRequest.get(requestId);
            Optional<Instant> settled = RequestSettlement.settledAt(history);
            if (settled.isPresent()) {
                if (settled.get().isAfter(deadline)) {
                    late.add(new LateRequest(requestId, deadline.toString(), settled.get().toString()));
                }
            } else if (!deadline.isAfter(horizon)) {
                Map<String, String> models = new TreeMap<>();
                RequestSettlement.latestByModel(history).forEach((m, s) -> models.put(m, s.getState().name()));
                due.add(new DueRequest(requestId, deadline.toString(), deadline.isBefore(now),
                        history.get(history.size() - 1).getState().name(), models));
            }
        }
        int overdue = (int) due.stream().filter(DueRequest::overdue).count();
        return new DeadlinesView(now.toString(), within.toString(), overdue, due.size(), late.size(), due, late);
    }

    // ---------------------------------------------------------------- helpers

    private static String text(Instant at) {
        return at == null ? null : at.toString();
    }

    private FirstExcludingVersion firstExcluding(VersionState v) {
        return new FirstExcludingVersion(v.recorded.getVersionId(), v.recorded.getParentVersionId(),
                v.recorded.getBatchId(), v.recorded.getArtifactDigest(),
                v.verification.getDetails().get(LineageDetails.VERIFIED_AT),
                parse(v.verification.getDetails().get(LineageDetails.CHECKS)), v.recordedRef, v.verificationRef);
    }

    /**
     * The PASSED version of {@code m} that a VERIFIED status of the request names although the version's request ids
     * do not contain it: the worker found the request's samples already forgotten by that version.
     */
    private Optional<VersionState> excludedOnArrival(ModelState m, String requestId) {
        return statusesByRequest.getOrDefault(requestId, List.of()).stream()
                .filter(s -> s.getState() == RequestState.VERIFIED && m.modelId.equals(s.getModelId())
                        && s.getVersionId() != null)
                .map(s -> m.versions.get(s.getVersionId()))
                .filter(v -> v != null && v.recorded != null && status(v) == VersionStatus.PASSED)
                .findFirst();
    }

    private ModelState requireModel(String modelId) {
        ModelState m = models.get(modelId);
        if (m == null || m.base == null) {
            throw new NotFoundException("model '" + modelId + "' is not registered (GET /models lists the "
                    + modelCount() + " registered models)");
        }
        return m;
    }

    private static VersionState requireVersion(ModelState m, String versionId) {
        VersionState v = m.versions.get(versionId);
        if (v == null || v.recorded == null) {
            throw new NotFoundException("model '" + m.modelId + "' has no version '" + versionId + "' ("
                    + m.versions.size() + " versions; GET /models/" + m.modelId + "/versions lists them)");
        }
        return v;
    }

    private static String currentVersion(ModelState m) {
        AliasView production = m.aliases.get(LineageDetails.PRODUCTION_ALIAS);
        return production != null ? production.versionId() : m.base.getVersionId();
    }

    private static Map<String, String> aliasTargets(ModelState m) {
        Map<String, String> targets = new TreeMap<>();
        m.aliases.forEach((alias, view) -> targets.put(alias, view.versionId()));
        return targets;
    }

    private List<VersionSummary> versionSummaries(ModelState m) {
        return m.versions.values().stream().filter(v -> v.recorded != null).map(v -> new VersionSummary(
                v.recorded.getVersionId(), v.recorded.getParentVersionId(), v.recorded.getBatchId(), status(v),
                List.copyOf(v.recorded.getRequestIds()), v.recorded.getArtifactDigest(),
                v.recorded.getRecordedAt().toString())).toList();
    }

    private static VersionStatus status(VersionState v) {
        if (v.verification != null) {
            return "PASSED".equals(v.verification.getDetails().get(LineageDetails.VERDICT))
                    ? VersionStatus.PASSED : VersionStatus.FAILED;
        }
        return v.recorded.getType() == LineageEventType.BASE_REGISTERED
                ? VersionStatus.BASE : VersionStatus.CANDIDATE;
    }

    /** The version itself first, then its parent, and so on to the base; stops at a cycle or a missing parent. */
    private static List<VersionState> pathToBase(ModelState m, String versionId) {
        List<VersionState> path = new ArrayList<>();
        if (m == null) {
            return path;
        }
        Set<String> seen = new HashSet<>();
        String next = versionId;
        while (next != null && seen.add(next)) {
            VersionState v = m.versions.get(next);
            if (v == null || v.recorded == null) {
                break;
            }
            path.add(v);
            next = v.recorded.getParentVersionId();
        }
        return path;
    }

    private Map<String, Object> details(LineageEvent e) {
        Map<String, Object> facts = new LinkedHashMap<>();
        e.getDetails().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(d -> facts.put(d.getKey(), isJsonDetail(d.getKey()) ? parse(d.getValue()) : d.getValue()));
        facts.put("recordedAt", e.getRecordedAt().toString());
        return facts;
    }

    private static boolean isJsonDetail(String key) {
        return key.equals(LineageDetails.ARCHITECTURE) || key.equals(LineageDetails.POLICY)
                || key.equals(LineageDetails.DATASET) || key.equals(LineageDetails.METHOD_SETTINGS);
    }

    private VerificationView verification(VersionState v) {
        if (v.verification == null) {
            return null;
        }
        Map<String, String> d = v.verification.getDetails();
        return new VerificationView(d.get(LineageDetails.VERDICT), d.get(LineageDetails.REASON),
                parse(d.get(LineageDetails.CHECKS)), parse(d.get(LineageDetails.METRICS)),
                parse(d.get(LineageDetails.PARENT_METRICS)), parse(d.get(LineageDetails.REFERENCE_METRICS)),
                d.get(LineageDetails.VERIFIED_AT), v.verificationRef);
    }

    /** A JSON detail as a tree; a detail that is not JSON (written by another tool) stays a string. */
    private JsonNode parse(String detail) {
        if (detail == null) {
            return null;
        }
        try {
            return json.readTree(detail);
        } catch (JsonProcessingException e) {
            return TextNode.valueOf(detail);
        }
    }
}
