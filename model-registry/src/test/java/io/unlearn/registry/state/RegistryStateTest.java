package io.unlearn.registry.state;

import io.unlearn.registry.RegistryFixtures.InMemoryRegistry;
import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.registry.errors.NotFoundException;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.registry.state.Views.Attempt;
import io.unlearn.registry.state.Views.DeadlinesView;
import io.unlearn.registry.state.Views.DueRequest;
import io.unlearn.registry.state.Views.LateRequest;
import io.unlearn.registry.state.Views.LineageStep;
import io.unlearn.registry.state.Views.ModelExclusion;
import io.unlearn.registry.state.Views.RequestView;
import io.unlearn.registry.state.Views.VersionStatus;
import io.unlearn.registry.state.Views.VersionView;
import io.unlearn.schemas.v1.LineageEventType;
import io.unlearn.schemas.v1.RequestState;
import io.unlearn.schemas.v1.RequestStatus;
import io.unlearn.schemas.v1.Verdict;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.unlearn.registry.RegistryFixtures.JSON;
import static io.unlearn.registry.RegistryFixtures.T0;
import static io.unlearn.registry.RegistryFixtures.candidate;
import static io.unlearn.registry.RegistryFixtures.registration;
import static io.unlearn.registry.RegistryFixtures.verification;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RegistryStateTest {

    @TempDir
    Path artifactDir;

    private InMemoryRegistry registry;

    @BeforeEach
    void setUp() throws IOException {
        registry = new InMemoryRegistry(new DirectoryArtifactStore(artifactDir));
        registry.register(registration("m1", "base weights"));
    }

    /** base <- v1 (r-1, FAILED); base <- v2 (r-1 retried, PASSED); v2 <- v3 (r-2, PASSED). */
    private void recordRetryThenSuccess() {
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.FAILED, "r-1"));
        registry.candidate(candidate("m1", "v2", "base", "m1-0002", registry.store("v2"), "r-1"));
        registry.verification(verification("m1", "v2", "m1-0002", Verdict.PASSED, "r-1"));
        registry.candidate(candidate("m1", "v3", "v2", "m1-0003", registry.store("v3"), "r-2"));
        registry.verification(verification("m1", "v3", "m1-0003", Verdict.PASSED, "r-2"));
    }

    @Test
    void shouldNameTheFirstPassedVersionContainingTheRequestAsTheFirstExcludingVersion() {
        // Given a failed attempt at r-1, a passed retry, and a later version for r-2
        recordRetryThenSuccess();

        // When asking about r-1
        RequestView view = registry.state.request("r-1");

        // Then the passed retry v2 excludes it first, and both attempts are listed in chain order
        ModelExclusion m1 = view.models().get(0);
        assertEquals("m1", m1.modelId());
        assertEquals("v2", m1.firstExcludingVersion().versionId());
        assertEquals("m1-0002", m1.firstExcludingVersion().batchId());
        assertEquals(List.of(new Attempt("v1", "m1-0001", VersionStatus.FAILED),
                new Attempt("v2", "m1-0002", VersionStatus.PASSED)), m1.attempts());
        assertEquals("VERIFICATION_RECORDED", m1.firstExcludingVersion().verificationRecorded().type());
        assertEquals(4, m1.firstExcludingVersion().verificationRecorded().sequence());
        assertEquals("v3", registry.state.request("r-2").models().get(0).firstExcludingVersion().versionId());
        // and production (v3) descends from v2, so the version in use excludes r-1 as well
        assertEquals("v3", m1.currentVersionId());
        assertTrue(m1.currentVersionExcludes());
    }

    @Test
    void shouldReportNoExcludingVersionWhileEveryAttemptFailed() {
        // Given only a failed attempt
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.FAILED, "r-1"));

        // When / Then
        ModelExclusion m1 = registry.state.request("r-1").models().get(0);
        assertNull(m1.firstExcludingVersion());
        assertEquals("base", m1.currentVersionId());
        assertEquals(false, m1.currentVersionExcludes());
        assertEquals(List.of(new Attempt("v1", "m1-0001", VersionStatus.FAILED)), m1.attempts());
    }

    @Test
    void shouldMoveTheProductionAliasOnlyAfterAPassedVerification() {
        // Given a candidate that failed verification
        registry.candidate(candidate("m1", "v1", "base", "m1-0001", registry.store("v1"), "r-1"));
        registry.verification(verification("m1", "v1", "m1-0001", Verdict.FAILED, "r-1"));

        // Then production is not set, and the model's current version is still the base
        NotFoundException notSet = assertThrows(NotFoundException.class,
                () -> registry.state.alias("m1", "production"));
        assertTrue(notSet.getMessage().contains("no version has passed verification yet"), notSet.getMessage());
        assertEquals("base", registry.state.model("m1").currentVersionId());

        // When a retry passes
        registry.candidate(candidate("m1", "v2", "base", "m1-0002", registry.store("v2"), "r-1"));
        assertThrows(NotFoundException.class, () -> registry.state.alias("m1", "production"),
                "a candidate alone does not move the alias");
        registry.verification(verification("m1", "v2", "m1-0002", Verdict.PASSED, "r-1"));

        // Then production points to it, moved by the event after the verdict
        Views.AliasView production = registry.state.alias("m1", "production");
        assertEquals("v2", production.versionId());
        assertEquals("ALIAS_MOVED", production.movedBy().type());
        assertEquals(5, production.movedBy().sequence());
        assertEquals("v2", registry.state.model("m1").currentVersionId());
    }

    @Test
    void shouldTraceAVersionBackToItsBase() {
        recordRetryThenSuccess();

        VersionView v3 = registry.state.version("m1", "v3");

        assertEquals(List.of("v3", "v2", "base"), v3.lineageToBase().stream().map(LineageStep::versionId).toList());
        assertEquals(List.of(VersionStatus.PASSED, VersionStatus.PASSED, VersionStatus.BASE),
                v3.lineageToBase().stream().map(LineageStep::status).toList());
        assertEquals(List.of("production"), v3.aliases());
        assertEquals("PASSED", v3.verification().verdict());
        assertEquals("contrastive", v3.details().get("method"));
        assertEquals(List.of("CANDIDATE_RECORDED", "VERIFICATION_RECORDED", "ALIAS_MOVED"),
                v3.events().stream().map(Views.EventRef::type).toList());
    }

    @Test
    void shouldListVersionsInChainOrderWithTheBaseFirst() {
        recordRetryThenSuccess();

        assertEquals(List.of("base", "v1", "v2", "v3"), registry.state.versions("m1").stream()
                .map(Views.VersionSummary::versionId).toList());
        assertEquals(4, registry.state.models().get(0).versionCount());
        assertEquals("classifier", registry.state.model("m1").family());
        assertEquals("contrastive", registry.state.model("m1").policy().get("method").asText());
        assertEquals(9, registry.state.model("m1").lineageLength());
    }

    @Test
    void shouldGiveTheSameAnswersWhenRebuiltFromTheSameEvents() throws Exception {
        // Given a history, and a new state fed the same events (what a restart does with the topic)
        recordRetryThenSuccess();
        registry.state.apply(status("r-1", RequestState.BATCHED));
        RegistryState rebuilt = new RegistryState(JSON);
        registry.state.events().forEach(rebuilt::apply);
        rebuilt.apply(status("r-1", RequestState.BATCHED));

        // Then every answer is identical
        assertEquals(JSON.writeValueAsString(registry.state.models()), JSON.writeValueAsString(rebuilt.models()));
        assertEquals(JSON.writeValueAsString(registry.state.version("m1", "v3")),
                JSON.writeValueAsString(rebuilt.version("m1", "v3")));
        assertEquals(JSON.writeValueAsString(registry.state.request("r-1")),
                JSON.writeValueAsString(rebuilt.request("r-1")));
        assertEquals(Optional.empty(), new LineageVerifier(new DirectoryArtifactStore(artifactDir))
                .firstBreak(rebuilt.events()));
    }

    @Test
    void shouldKeepEveryStatusOfARequestInArrivalOrder() {
        registry.state.apply(status("r-9", RequestState.RECEIVED));
        registry.state.apply(status("r-9", RequestState.BATCHED));

        RequestView view = registry.state.request("r-9");

        assertEquals(List.of("RECEIVED", "BATCHED"), view.history().stream().map(Views.StatusView::state).toList());
        assertEquals(List.of(), view.models(), "no version names r-9 yet");
    }

    @Test
    void shouldAnswerUnknownIdsWithAMessageNamingThem() {
        assertEquals("model 'nope' is not registered (GET /models lists the 1 registered models)",
                assertThrows(NotFoundException.class, () -> registry.state.model("nope")).getMessage());
        assertTrue(assertThrows(NotFoundException.class, () -> registry.state.version("m1", "v9")).getMessage()
                .startsWith("model 'm1' has no version 'v9'"));
        assertTrue(assertThrows(NotFoundException.class, () -> registry.state.request("r-404")).getMessage()
                .startsWith("deletion request 'r-404' is unknown to the registry"));
        assertTrue(assertThrows(NotFoundException.class, () -> registry.state.alias("m1", "staging")).getMessage()
                .startsWith("model 'm1' has no alias 'staging'"));
    }

    @Test
    void shouldRecordTheBaseAsSequenceZeroOfItsChain() {
        assertEquals(LineageEventType.BASE_REGISTERED, registry.state.events().get(0).getType());
        assertEquals(0, registry.state.events().get(0).getSequence());
        assertEquals(VersionStatus.BASE, registry.state.versions("m1").get(0).status());
    }

    @Test
    void shouldNameTheVerifiedVersionThatHadAlreadyForgottenARequestsSamplesOnArrival() {
        // Given v2 passed, and r-7, naming samples v2 had already forgotten, was VERIFIED by the worker with v2
        recordRetryThenSuccess();
        registry.state.apply(alreadyExcluded("r-7", "v2"));
        // and r-8 names a version that failed verification
        registry.state.apply(alreadyExcluded("r-8", "v1"));

        // When asking about r-7
        ModelExclusion m1 = registry.state.request("r-7").models().get(0);

        // Then v2 is its first excluding version, with its proof, though no version lists r-7
        assertEquals("v2", m1.firstExcludingVersion().versionId());
        assertEquals("VERIFICATION_RECORDED", m1.firstExcludingVersion().verificationRecorded().type());
        assertTrue(m1.excludedOnArrival());
        assertEquals(List.of(), m1.attempts());
        assertTrue(m1.currentVersionExcludes(), "production v3 descends from v2");
        // and a status naming a version that did not pass proves nothing
        assertEquals(List.of(), registry.state.request("r-8").models());
        assertEquals(false, registry.state.request("r-1").models().get(0).excludedOnArrival());
    }

    // ---------------------------------------------------------------- deadlines

    private static final Instant NOW = Instant.parse("2026-06-01T12:00:00Z");

    private static RequestStatus status(String requestId, RequestState state, String modelId, Instant deadline,
                                        Instant at) {
        return RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId(modelId)
                .setStage("stream-processor").setAt(at).setDeadline(deadline).build();
    }

    @Test
    void shouldListOpenRequestsDueWithinTheWindowOrOverdueEarliestFirst() {
        // Given open requests due 2 days ago, in 3 days and in 20 days, and one with no deadline
        registry.state.apply(status("r-soon", RequestState.BATCHED, "m1", NOW.plus(Duration.ofDays(3)), NOW));
        registry.state.apply(status("r-over", RequestState.BATCHED, "m1", NOW.minus(Duration.ofDays(2)), NOW));
        registry.state.apply(status("r-later", RequestState.BATCHED, "m1", NOW.plus(Duration.ofDays(20)), NOW));
        registry.state.apply(status("r-none", RequestState.BATCHED, "m1", null, NOW));

        // When the requests due within a week are asked for
        DeadlinesView view = registry.state.deadlines(Duration.ofDays(7), NOW);

        // Then the overdue one comes first, then the one due in 3 days; not the one due in 20 days
        assertEquals(List.of("r-over", "r-soon"), view.due().stream().map(DueRequest::requestId).toList());
        assertEquals(List.of(true, false), view.due().stream().map(DueRequest::overdue).toList());
        assertEquals(1, view.overdueCount());
        assertEquals(2, view.dueCount());
        assertEquals(Map.of("m1", "BATCHED"), view.due().get(0).models());
        assertEquals("2026-05-30T12:00:00Z", view.due().get(0).deadline());
        // and a window of zero lists the overdue one only
        assertEquals(List.of("r-over"), registry.state.deadlines(Duration.ZERO, NOW).due().stream()
                .map(DueRequest::requestId).toList());
    }

    @Test
    void shouldKeepARequestOpenUntilEveryModelIsFinalAndCountItLateWhenItSettledAfterItsDeadline() {
        // Given r-1, due yesterday, batched for m1 and m2; m1 verified it before the deadline
        Instant deadline = NOW.minus(Duration.ofDays(1));
        registry.state.apply(status("r-1", RequestState.BATCHED, "m1", deadline, NOW.minus(Duration.ofDays(3))));
        registry.state.apply(status("r-1", RequestState.BATCHED, "m2", deadline, NOW.minus(Duration.ofDays(3))));
        // the verifier's status carries no deadline: the registry keeps the first it saw
        registry.state.apply(status("r-1", RequestState.VERIFIED, "m1", null, NOW.minus(Duration.ofDays(2))));

        // Then r-1 is overdue: m2 is not final
        DeadlinesView open = registry.state.deadlines(Duration.ZERO, NOW);
        assertEquals(List.of("r-1"), open.due().stream().map(DueRequest::requestId).toList());
        assertEquals(Map.of("m1", "VERIFIED", "m2", "BATCHED"), open.due().get(0).models());
        assertEquals(0, open.lateCount());

        // When m2 fails it today, after the deadline
        registry.state.apply(status("r-1", RequestState.FAILED, "m2", null, NOW));

        // Then r-1 is settled, no longer due, and late; the request view shows its deadline and when it settled
        DeadlinesView settled = registry.state.deadlines(Duration.ofDays(30), NOW);
        assertEquals(List.of(), settled.due());
        assertEquals(List.of(new LateRequest("r-1", deadline.toString(), NOW.toString())), settled.late());
        assertEquals(1, settled.lateCount());
        RequestView view = registry.state.request("r-1");
        assertEquals(deadline.toString(), view.deadline());
        assertEquals(NOW.toString(), view.settledAt());
    }

    @Test
    void shouldNotCountARequestSettledBeforeItsDeadlineAsLateOrDue() {
        // Given r-ok verified before its deadline, r-bad rejected before any model, and r-dup, batched for m1 and
        // re-sent (DUPLICATE_OF), whose model m1 still decides
        registry.state.apply(status("r-ok", RequestState.BATCHED, "m1", NOW.plus(Duration.ofDays(1)), NOW));
        registry.state.apply(status("r-ok", RequestState.VERIFIED, "m1", null, NOW));
        registry.state.apply(status("r-bad", RequestState.REJECTED, null, NOW.plus(Duration.ofDays(1)), NOW));
        registry.state.apply(status("r-dup", RequestState.BATCHED, "m1", NOW.plus(Duration.ofDays(1)), NOW));
        registry.state.apply(status("r-dup", RequestState.DUPLICATE_OF, null, NOW.plus(Duration.ofDays(9)), NOW));

        DeadlinesView view = registry.state.deadlines(Duration.ofDays(7), NOW);

        assertEquals(List.of("r-dup"), view.due().stream().map(DueRequest::requestId).toList());
        assertEquals(NOW.plus(Duration.ofDays(1)).toString(), view.due().get(0).deadline(), "the first deadline seen");
        assertEquals(List.of(), view.late());
        assertNull(registry.state.request("r-dup").settledAt());
    }

    private static RequestStatus alreadyExcluded(String requestId, String versionId) {
        return RequestStatus.newBuilder(status(requestId, RequestState.VERIFIED)).setVersionId(versionId)
                .setStage("unlearn-worker").setReason("already excluded by verified version " + versionId).build();
    }

    private static RequestStatus status(String requestId, RequestState state) {
        return RequestStatus.newBuilder().setRequestId(requestId).setState(state).setModelId("m1")
                .setStage("stream-processor").setAt(T0).build();
    }

}
