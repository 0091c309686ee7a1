package io.unlearn.unlearning.internal.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.unlearn.unlearning.errors.DatasetMissingException;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.ImageSet;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxFilesTest {

    @TempDir
    Path dir;

    private static byte[] idx(int dims, int[] sizes, byte[] values) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims);
        for (int s : sizes) {
            out.writeInt(s);
        }
        out.write(values);
        return bytes.toByteArray();
    }

    private static void write(Path file, byte[] content, boolean gzip) throws IOException {
        try (OutputStream out = gzip ? new GZIPOutputStream(Files.newOutputStream(file)) : Files.newOutputStream(file)) {
            out.write(content);
        }
    }

    @Test
    void shouldReadGzippedAndPlainIdxFilesToTheSameScaledImages() throws IOException {
        byte[] pixels = {0, (byte) 255, (byte) 51, 0, 0, 0, 0, (byte) 102};
        byte[] images = idx(3, new int[] {2, 2, 2}, pixels);
        byte[] labels = idx(1, new int[] {2}, new byte[] {3, 9});
        write(dir.resolve("i.gz"), images, true);
        write(dir.resolve("l.gz"), labels, true);
        write(dir.resolve("i"), images, false);
        write(dir.resolve("l"), labels, false);

        ImageSet gz = IdxFiles.read(dir.resolve("i.gz"), dir.resolve("l.gz"), "gz", 10, "hint");
        ImageSet plain = IdxFiles.read(dir.resolve("i"), dir.resolve("l"), "plain", 10, "hint");

        for (ImageSet s : new ImageSet[] {gz, plain}) {
            assertEquals(2, s.size());
            assertEquals(2, s.rows());
            assertEquals(9, s.label(1));
            assertEquals(1, s.id(1));
            float[] first = new float[4];
            s.copyPixels(0, first, 0);
            assertArrayEquals(new float[] {0f, 1f, 0.2f, 0f}, first, 1e-6f);
        }
    }

    @Test
    void shouldNameTheDebianPackageWhenFashionMnistFilesAreAbsent() {
        DatasetMissingException e = assertThrows(DatasetMissingException.class,
                () -> FashionMnist.load(dir.resolve("nowhere"), true));

        assertTrue(e.getMessage().contains("dataset-fashion-mnist"), e.getMessage());
        assertTrue(e.getMessage().contains("train-images-idx3-ubyte"), e.getMessage());
    }

    @Test
    void shouldRejectAFileWhoseMagicIsNotAnUnsignedByteIdx() throws IOException {
        write(dir.resolve("bad"), new byte[] {0x7b, 0x22, 0, 0, 0, 0, 0, 0}, false);
        write(dir.resolve("l"), idx(1, new int[] {0}, new byte[0]), false);

        UnlearningException e = assertThrows(UnlearningException.class,
                () -> IdxFiles.read(dir.resolve("bad"), dir.resolve("l"), "bad", 10, "hint"));

        assertTrue(e.getMessage().contains("magic"), e.getMessage());
    }
}
