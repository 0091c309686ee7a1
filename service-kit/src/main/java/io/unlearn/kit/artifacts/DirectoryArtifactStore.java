package io.unlearn.kit.artifacts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Artifacts as files {@code <root>/<first two hex chars>/<digest>}. Names are digests checked against
 * {@code [0-9a-f]{64}} before any path is built, so no request can reach outside the root.
 * Writes go to a temporary file first and are moved into place, so a crash never leaves a partial artifact
 * under a digest name.
 */
public final class DirectoryArtifactStore implements ArtifactStore {

    private final Path root;

    public DirectoryArtifactStore(Path root) throws IOException {
        this.root = Files.createDirectories(root).toRealPath();
    }

    public Path root() {
        return root;
    }

    @Override
    public String put(InputStream content) throws IOException {
        Path tmp = Files.createTempFile(root, "incoming-", ".tmp");
        try {
            MessageDigest sha256 = Digests.sha256();
            try (OutputStream out = new DigestOutputStream(Files.newOutputStream(tmp), sha256)) {
                content.transferTo(out);
            }
            String digest = HexFormat.of().formatHex(sha256.digest());
            Path target = pathOf(digest);
            Files.createDirectories(target.getParent());
            if (Files.exists(target)) {
                Files.delete(tmp); // same bytes already stored
            } else {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            return digest;
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public Optional<InputStream> open(String digest) throws IOException {
        Path path = pathOf(digest);
        return Files.exists(path) ? Optional.of(Files.newInputStream(path)) : Optional.empty();
    }

    @Override
    public boolean contains(String digest) {
        return Files.exists(pathOf(digest));
    }

    @Override
    public Optional<String> recomputeDigest(String digest) throws IOException {
        Path path = pathOf(digest);
        if (!Files.exists(path)) {
            return Optional.empty();
        }
        MessageDigest sha256 = Digests.sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha256)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
        return Optional.of(HexFormat.of().formatHex(sha256.digest()));
    }

    private Path pathOf(String digest) {
        Digests.requireSha256Hex(digest);
        return root.resolve(digest.substring(0, 2)).resolve(digest);
    }
}
