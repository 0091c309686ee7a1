package io.unlearn.kit.lineage;

import io.unlearn.kit.artifacts.ArtifactStore;
import io.unlearn.schemas.v1.LineageEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Re-checks lineage from scratch: for each model, sequences run 0, 1, 2, ... without gaps; each event's
 * {@code previousEventHash} equals the hash of the event before it; each artifact an event names is stored
 * and its bytes still hash to the digest. Reports the first break in log order, or nothing if all holds.
 * {@link #linksOnly()} checks sequences and hashes without an artifact store, for a reader (the CLI checking a
 * receipt) that has the lineage topic but perhaps not the artifact directory.
 */
public final class LineageVerifier {

    private final ArtifactStore artifacts; // null: links only

    public LineageVerifier(ArtifactStore artifacts) {
        this.artifacts = Objects.requireNonNull(artifacts, "artifacts; use linksOnly() to check without them");
    }

    private LineageVerifier() {
        this.artifacts = null;
    }

    /** A verifier of sequences and hash links only; artifacts are not looked at. */
    public static LineageVerifier linksOnly() {
        return new LineageVerifier();
    }

    /** @param eventsInLogOrder every lineage event, in the order the log holds them */
    public Optional<ChainBreak> firstBreak(List<LineageEvent> eventsInLogOrder) {
        Map<String, LineageEvent> previousByModel = new HashMap<>();
        Set<String> intactDigests = new HashSet<>();
        for (LineageEvent event : eventsInLogOrder) {
            Optional<String> problem = linkProblem(previousByModel.get(event.getModelId()), event)
                    .or(() -> artifactProblem(event, intactDigests));
            if (problem.isPresent()) {
                return Optional.of(new ChainBreak(event.getModelId(), event.getSequence(), problem.get()));
            }
            previousByModel.put(event.getModelId(), event);
        }
        return Optional.empty();
    }

    private static Optional<String> linkProblem(LineageEvent previous, LineageEvent event) {
        long expectedSequence = previous == null ? 0 : previous.getSequence() + 1;
        if (event.getSequence() != expectedSequence) {
            return Optional.of("expected sequence " + expectedSequence + " but found " + event.getSequence()
                    + (event.getSequence() > expectedSequence ? " (events missing)" : " (event repeated or reordered)"));
        }
        String expectedHash = previous == null ? null : LineageHashes.hash(previous);
        String found = event.getPreviousEventHash();
        if (expectedHash == null ? found != null : !expectedHash.equals(found)) {
            return Optional.of("previousEventHash is " + found + " but the event before it hashes to " + expectedHash
                    + " (the previous event was altered, or this one was re-linked)");
        }
        return Optional.empty();
    }

    private Optional<String> artifactProblem(LineageEvent event, Set<String> intactDigests) {
        String digest = event.getArtifactDigest();
        if (artifacts == null || digest == null || intactDigests.contains(digest)) {
            return Optional.empty();
        }
        try {
            Optional<String> actual = artifacts.recomputeDigest(digest);
            if (actual.isEmpty()) {
                return Optional.of("artifact " + digest + " named by version " + event.getVersionId()
                        + " is missing from the artifact store");
            }
            if (!actual.get().equals(digest)) {
                return Optional.of("artifact " + digest + " of version " + event.getVersionId()
                        + " was altered: its bytes now hash to " + actual.get());
            }
            intactDigests.add(digest);
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read artifact " + digest, e);
        }
    }
}
