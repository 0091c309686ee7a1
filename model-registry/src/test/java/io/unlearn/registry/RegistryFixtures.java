package io.unlearn.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.kit.artifacts.Digests;
import io.unlearn.registry.recording.LineageRecorder;
import io.unlearn.registry.recording.Outcome;
import io.unlearn.registry.registration.BaseModelRegistration;
import io.unlearn.registry.registration.RegistrationParser;
import io.unlearn.registry.state.RegistryState;
import io.unlearn.schemas.v1.CandidateVersion;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.UnlearningCost;
import io.unlearn.schemas.v1.Verdict;
import io.unlearn.schemas.v1.VerificationCheck;
import io.unlearn.schemas.v1.VerificationResult;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/** Builders for registrations, candidates and verifications, and an in-memory registry that records them. */
public final class RegistryFixtures {

    public static final Instant T0 = Instant.parse("2026-11-23T12:00:00Z");
    public static final ObjectMapper JSON = new ObjectMapper();

    private RegistryFixtures() {
    }

    /** A valid POST /models body for {@code modelId}, with subjects user-1 (samples 0, 1) and user-2 (sample 2). */
    public static String registrationJson(String modelId, String artifactContent) {
        String artifact = Base64.getEncoder().encodeToString(artifactContent.getBytes(StandardCharsets.UTF_8));
        return """
                {"modelId": "%s", "family": "classifier",
                 "architecture": {"embeddingDim": 64, "classes": 10},
                 "policy": {"method": "contrastive", "settings": {"maxEpochs": 2, "lambdaUl": 0.5},
                            "thresholds": [{"metric": "forget.accuracy", "comparator": "<=", "threshold": 0.2},
                                           {"metric": "retain.accuracy", "comparator": ">=", "threshold": 0.8}],
                            "maxFailuresBeforeRetrain": 2},
                 "dataset": {"name": "fashion-mnist", "subjects": {"user-1": ["0", "1"], "user-2": ["2"]}},
                 "artifactBase64": "%s"}
                """.formatted(modelId, artifact);
    }

    public static BaseModelRegistration registration(String modelId, String artifactContent) {
        return new RegistrationParser(JSON, 1 << 20)
                .parse(registrationJson(modelId, artifactContent).getBytes(StandardCharsets.UTF_8));
    }

    public static CandidateVersion candidate(String modelId, String versionId, String parent, String batchId,
                                             String digest, String... requestIds) {
        return CandidateVersion.newBuilder()
                .setModelId(modelId)
                .setVersionId(versionId)
                .setParentVersionId(parent)
                .setBatchId(batchId)
                .setRequestIds(List.of(requestIds))
                .setMethod("contrastive")
                .setMethodSettings(Map.of("epochs", "2"))
                .setArtifactDigest(digest)
                .setDevice("cpu()")
                .setCost(new UnlearningCost(1200L, 640L, 320L))
                .setAttempt(0)
                .setSeed(42L)
                .setCreatedAt(T0)
                .build();
    }

    public static VerificationResult verification(String modelId, String versionId, String batchId, Verdict verdict,
                                                  String... requestIds) {
        boolean passed = verdict == Verdict.PASSED;
        return VerificationResult.newBuilder()
                .setModelId(modelId)
                .setVersionId(versionId)
                .setBatchId(batchId)
                .setRequestIds(List.of(requestIds))
                .setVerdict(verdict)
                .setChecks(List.of(new VerificationCheck("forget.accuracy", passed ? 0.1 : 0.6, "<=", 0.2, passed)))
                .setMetrics(Map.of("forget.accuracy", passed ? 0.1 : 0.6, "retain.accuracy", 0.9))
                .setParentMetrics(Map.of("forget.accuracy", 0.95))
                .setReason(passed ? "all checks passed" : "forget.accuracy 0.6 > 0.2")
                .setVerifiedAt(T0.plusSeconds(60))
                .build();
    }

    /** Records inputs the way the Kafka writer does, minus Kafka: decide with the recorder, fold into the state. */
    public static final class InMemoryRegistry {
        public final RegistryState state = new RegistryState(JSON);
        public final LineageRecorder recorder = new LineageRecorder(JSON, Clock.fixed(T0, ZoneOffset.UTC));
        private final ArtifactStore artifacts;

        public InMemoryRegistry(ArtifactStore artifacts) {
            this.artifacts = artifacts;
        }

        public List<LineageEvent> register(BaseModelRegistration registration) {
            Outcome.Append append = recorder.registerBase(registration, store(registration.artifact()), state);
            append.events().forEach(state::apply);
            append.manifestEntries().forEach(state::apply);
            return append.events();
        }

        public Outcome candidate(CandidateVersion candidate) {
            return fold(recorder.recordCandidate(candidate, state));
        }

        public Outcome verification(VerificationResult result) {
            return fold(recorder.recordVerification(result, state));
        }

        /** Stores bytes in the artifact store and returns their digest. */
        public String store(byte[] bytes) {
            try {
                return artifacts.put(new ByteArrayInputStream(bytes));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        public String store(String content) {
            String digest = store(content.getBytes(StandardCharsets.UTF_8));
            Digests.requireSha256Hex(digest);
            return digest;
        }

        private Outcome fold(Outcome outcome) {
            if (outcome instanceof Outcome.Append append) {
                append.events().forEach(state::apply);
            }
            return outcome;
        }
    }
}
