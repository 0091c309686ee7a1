package io.unlearn.registry.lineage;

import io.unlearn.kit.artifacts.DirectoryArtifactStore;
import io.unlearn.kit.lineage.ChainBreak;
import io.unlearn.kit.lineage.LineageHashes;
import io.unlearn.kit.lineage.LineageVerifier;
import io.unlearn.schemas.v1.LineageEvent;
import io.unlearn.schemas.v1.LineageEventType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LineageVerifierTest {

    @TempDir
    Path root;

    private DirectoryArtifactStore artifacts;
    private final LineageChain chain = new LineageChain();
    private final List<LineageEvent> log = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        artifacts = new DirectoryArtifactStore(root);
    }

    @Test
    void shouldLinkEachEventToThePreviousOneOfTheSameModel() throws IOException {
        LineageEvent base = record("m1", "v0", LineageEventType.BASE_REGISTERED, "base weights");
        LineageEvent other = record("m2", "w0", LineageEventType.BASE_REGISTERED, "other model");
        LineageEvent child = record("m1", "v1", LineageEventType.CANDIDATE_RECORDED, "unlearned weights");

        assertEquals(0, base.getSequence());
        assertNull(base.getPreviousEventHash());
        assertEquals(0, other.getSequence(), "each model has its own chain");
        assertEquals(1, child.getSequence());
        assertEquals(LineageHashes.hash(base), child.getPreviousEventHash());
        assertEquals(Optional.empty(), new LineageVerifier(artifacts).firstBreak(log));
    }

    @Test
    void shouldHashTheSameEventTheSameWhateverTheOrderOfItsDetails() throws IOException {
        LineageEvent event = record("m1", "v0", LineageEventType.BASE_REGISTERED, "weights");
        Map<String, String> a = new LinkedHashMap<>();
        a.put("method", "contrastive");
        a.put("verdict", "PASSED");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("verdict", "PASSED");
        b.put("method", "contrastive");

        assertEquals(LineageHashes.hash(LineageEvent.newBuilder(event).setDetails(a).build()),
                LineageHashes.hash(LineageEvent.newBuilder(event).setDetails(b).build()));
        assertNotEquals(LineageHashes.hash(event), LineageHashes.hash(LineageEvent.newBuilder(event)
                .setDetails(a).build()));
    }

    @Test
    void shouldNameTheFirstEventAfterAnAlteredOne() throws IOException {
        // Given a chain of three events for one model
        record("m1", "v0", LineageEventType.BASE_REGISTERED, "base");
        record("m1", "v1", LineageEventType.CANDIDATE_RECORDED, "child");
        record("m1", "v1", LineageEventType.VERIFICATION_RECORDED, null);

        // When someone rewrites the request ids of event 1 in place
        log.set(1, LineageEvent.newBuilder(log.get(1)).setRequestIds(List.of("someone-else")).build());

        // Then event 2 no longer links to it
        ChainBreak chainBreak = new LineageVerifier(artifacts).firstBreak(log).orElseThrow();
        assertEquals("m1", chainBreak.modelId());
        assertEquals(2, chainBreak.sequence());
        assertTrue(chainBreak.problem().startsWith("previousEventHash is "), chainBreak.problem());
    }

    @Test
    void shouldNameAMissingEvent() throws IOException {
        record("m1", "v0", LineageEventType.BASE_REGISTERED, "base");
        record("m1", "v1", LineageEventType.CANDIDATE_RECORDED, "child");
        record("m1", "v1", LineageEventType.VERIFICATION_RECORDED, null);
        log.remove(1);

        ChainBreak chainBreak = new LineageVerifier(artifacts).firstBreak(log).orElseThrow();
        assertEquals(new ChainBreak("m1", 2, "expected sequence 1 but found 2 (events missing)"), chainBreak);
    }

    @Test
    void shouldNameTheVersionWhoseArtifactWasAltered() throws IOException {
        record("m1", "v0", LineageEventType.BASE_REGISTERED, "base");
        LineageEvent child = record("m1", "v1", LineageEventType.CANDIDATE_RECORDED, "child");
        String digest = child.getArtifactDigest();
        Files.writeString(root.resolve(digest.substring(0, 2)).resolve(digest), "tampered");

        ChainBreak chainBreak = new LineageVerifier(artifacts).firstBreak(log).orElseThrow();
        assertEquals(1, chainBreak.sequence());
        assertTrue(chainBreak.problem().startsWith("artifact " + digest + " of version v1 was altered"),
                chainBreak.problem());
    }

    @Test
    void shouldContinueTheChainAfterReplayingTheLog() throws IOException {
        record("m1", "v0", LineageEventType.BASE_REGISTERED, "base");
        LineageChain rebuilt = new LineageChain();
        log.forEach(rebuilt::replay);

        LineageEvent next = rebuilt.append(draft("m1", "v1", LineageEventType.CANDIDATE_RECORDED, null));

        assertEquals(1, next.getSequence());
        assertEquals(LineageHashes.hash(log.get(0)), next.getPreviousEventHash());
    }

    private LineageEvent record(String model, String version, LineageEventType type, String artifactContent)
            throws IOException {
        String digest = artifactContent == null ? null
                : artifacts.put(new ByteArrayInputStream(artifactContent.getBytes()));
        LineageEvent event = chain.append(draft(model, version, type, digest));
        log.add(event);
        return event;
    }

    private static LineageEvent draft(String model, String version, LineageEventType type, String digest) {
        return LineageEvent.newBuilder()
                .setModelId(model)
                .setSequence(-1)
                .setType(type)
                .setVersionId(version)
                .setRequestIds(List.of("r-1"))
                .setArtifactDigest(digest)
                .setDetails(new HashMap<>())
                .setRecordedAt(Instant.parse("2026-11-23T12:00:00Z"))
                .build();
    }
}
