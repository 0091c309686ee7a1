package io.unlearn.registry.state;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The immutable answers {@link RegistryState} gives, shaped as the REST API renders them (Jackson writes each
 * record as a JSON object with the component names as keys). Times are ISO-8601 UTC strings.
 */
public final class Views {

    private Views() {
    }

    /** Where a version stands: the base, an unverified candidate, or the verifier's verdict. */
    public enum VersionStatus { BASE, CANDIDATE, PASSED, FAILED }

    /** A pointer into the lineage log: the proof a fact rests on. */
    public record EventRef(long sequence, String type, String hash, String recordedAt) {
    }

    /** One line of {@code GET /models}. */
    public record ModelSummary(String modelId, String family, String baseVersionId, String currentVersionId,
                               Map<String, String> aliases, int versionCount, String registeredAt) {
    }

    /** {@code GET /models/{id}}. {@code currentVersionId} is the {@code production} alias, else the base. */
    public record ModelView(String modelId, String family, String baseVersionId, String currentVersionId,
                            Map<String, String> aliases, JsonNode architecture, JsonNode policy, JsonNode dataset,
                            String registeredAt, long lineageLength, List<VersionSummary> versions) {
    }

    /** One version in a list, in chain order. */
    public record VersionSummary(String versionId, String parentVersionId, String batchId, VersionStatus status,
                                 List<String> requestIds, String artifactDigest, String recordedAt) {
    }

    /**
     * {@code GET /models/{id}/versions/{v}}: the version, how it was made ({@code details}: method, settings, cost,
     * device for a candidate; family, architecture, policy, dataset for the base), how it was judged, and its path
     * to the base.
     */
    public record VersionView(String modelId, String versionId, String parentVersionId, String batchId,
                              VersionStatus status, List<String> requestIds, String artifactDigest,
                              Map<String, Object> details, VerificationView verification, List<String> aliases,
                              List<LineageStep> lineageToBase, List<EventRef> events) {
    }

    /** The verifier's verdict as recorded in the lineage. */
    public record VerificationView(String verdict, String reason, JsonNode checks, JsonNode metrics,
                                   JsonNode parentMetrics, JsonNode referenceMetrics, String verifiedAt,
                                   EventRef recordedBy) {
    }

    /** One step from a version back to its base (the version itself first, the base last). */
    public record LineageStep(String versionId, String parentVersionId, String batchId, VersionStatus status,
                              List<String> requestIds) {
    }

    /** {@code GET /models/{id}/aliases/{alias}}. */
    public record AliasView(String modelId, String alias, String versionId, String previousVersionId,
                            EventRef movedBy) {
    }

    /** One entry of a deletion request's status history, as the request-status topic carried it. */
    public record StatusView(String state, String modelId, String batchId, String versionId, String reason,
                             List<String> flags, String stage, String at) {
    }

    /** One version that set out to exclude a request, with its outcome. */
    public record Attempt(String versionId, String batchId, VersionStatus status) {
    }

    /**
     * What the registry knows about a request for one model: the first version that excludes it (the first
     * PASSED version in chain order whose request ids contain it; null while there is none), whether the model's
     * current version descends from that one (and so excludes the request too), and every attempt.
     *
     * <p>{@code excludedOnArrival}: the worker found every sample the request names already forgotten by the
     * model's verified version when the request reached it, and made no new version; that version is then the
     * first excluding one (the VERIFIED status names it), and {@code attempts} is empty.
     */
    public record ModelExclusion(String modelId, FirstExcludingVersion firstExcludingVersion,
                                 String currentVersionId, boolean currentVersionExcludes, List<Attempt> attempts,
                                 boolean excludedOnArrival) {
    }

    /** The first version of a model that excludes a request, and the lineage events that prove it. */
    public record FirstExcludingVersion(String versionId, String parentVersionId, String batchId,
                                        String artifactDigest, String verifiedAt, JsonNode checks,
                                        EventRef candidateRecorded, EventRef verificationRecorded) {
    }

    /**
     * {@code GET /requests/{requestId}}. {@code deadline}: when the request must be done by, the first deadline a
     * status of it carried (null if none did); {@code settledAt}: when it settled (null while open).
     */
    public record RequestView(String requestId, String deadline, String settledAt, List<StatusView> history,
                              List<ModelExclusion> models) {
    }

    /**
     * An open deletion request due within the window asked for, or overdue ({@code deadline} passed), with its
     * latest state and the latest state per model it concerns.
     */
    public record DueRequest(String requestId, String deadline, boolean overdue, String state,
                             Map<String, String> models) {
    }

    /** A deletion request that settled after its deadline. */
    public record LateRequest(String requestId, String deadline, String settledAt) {
    }

    /**
     * {@code GET /deadlines}: the open requests due by {@code asOf} + {@code within} (overdue ones included), earliest
     * deadline first, and every request that settled after its deadline (late), earliest deadline first.
     */
    public record DeadlinesView(String asOf, String within, int overdueCount, int dueCount, int lateCount,
                                List<DueRequest> due, List<LateRequest> late) {
    }
}
