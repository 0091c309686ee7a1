package io.unlearn.kit.artifacts;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DirectoryArtifactStoreTest {

    @TempDir
    Path root;

    @Test
    void shouldNameArtifactBySha256OfItsBytesAndReturnThemUnchanged() throws IOException {
        // Given
        DirectoryArtifactStore store = new DirectoryArtifactStore(root);
        byte[] parameters = "model parameters v1".getBytes(StandardCharsets.UTF_8);

        // When
        String digest = store.put(new ByteArrayInputStream(parameters));

        // Then: the known SHA-256 of these bytes, and the same bytes back
        assertEquals(Digests.sha256Hex(parameters), digest);
        assertTrue(store.contains(digest));
        try (InputStream in = store.open(digest).orElseThrow()) {
            assertArrayEquals(parameters, in.readAllBytes());
        }
        assertEquals(digest, store.recomputeDigest(digest).orElseThrow());
    }

    @Test
    void shouldStoreIdenticalBytesOnce() throws IOException {
        DirectoryArtifactStore store = new DirectoryArtifactStore(root);
        String first = store.put(new ByteArrayInputStream(new byte[] {1, 2, 3}));
        String second = store.put(new ByteArrayInputStream(new byte[] {1, 2, 3}));

        assertEquals(first, second);
        try (var files = Files.walk(root)) {
            assertEquals(1, files.filter(Files::isRegularFile).count(), "one file, no temporary leftovers");
        }
    }

    @Test
    void shouldRejectNamesThatAreNotDigestsSoNoPathCanEscapeTheRoot() throws IOException {
        DirectoryArtifactStore store = new DirectoryArtifactStore(root);

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> store.open("../../etc/passwd"));
        assertEquals("artifact digest must be 64 lowercase hex characters (SHA-256), got '../../etc/passwd'",
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> store.contains("AB".repeat(32)));
    }

    @Test
    void shouldRevealAnArtifactAlteredAfterItWasStored() throws IOException {
        // Given
        DirectoryArtifactStore store = new DirectoryArtifactStore(root);
        String digest = store.put(new ByteArrayInputStream(new byte[] {42}));

        // When someone rewrites the stored file
        Files.write(root.resolve(digest.substring(0, 2)).resolve(digest), new byte[] {43});

        // Then
        assertFalse(digest.equals(store.recomputeDigest(digest).orElseThrow()));
        assertEquals(Digests.sha256Hex(new byte[] {43}), store.recomputeDigest(digest).orElseThrow());
    }
}
