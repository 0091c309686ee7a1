package io.unlearn.unlearning.internal.data;

import io.unlearn.unlearning.errors.DatasetMissingException;
import io.unlearn.unlearning.errors.UnlearningException;
import io.unlearn.unlearning.spi.ImageSet;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (the MNIST format: big-endian magic {@code 0x0000080N}, N dimension sizes, unsigned bytes),
 * gzipped or not; gzip is recognised by its magic bytes, not the file name.
 */
public final class IdxFiles {

    private static final int UBYTE = 0x08;

    private IdxFiles() {
    }

    /**
     * Reads an image file and its label file into an {@link ImageSet}; sample ids are file indices.
     *
     * @param images the {@code *-images-idx3-ubyte[.gz]} file
     * @param labels the {@code *-labels-idx1-ubyte[.gz]} file
     * @param name the set's label
     * @param numClasses number of classes
     * @param missingHint appended to the error when a file is absent (e.g. which package installs it)
     * @return the images, scaled to [0, 1]
     */
    public static ImageSet read(Path images, Path labels, String name, int numClasses, String missingHint) {
        int[][] imageDims = new int[1][];
        byte[] pixels = readUbytes(images, 3, imageDims, missingHint);
        int[][] labelDims = new int[1][];
        byte[] labelBytes = readUbytes(labels, 1, labelDims, missingHint);
        int n = imageDims[0][0];
        if (labelDims[0][0] != n) {
            throw new UnlearningException(images + " holds " + n + " images but " + labels + " holds "
                    + labelDims[0][0] + " labels; use files from the same release");
        }
        int rows = imageDims[0][1];
        int cols = imageDims[0][2];
        float[] p = new float[pixels.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = (pixels[i] & 0xff) / 255f;
        }
        int[] l = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            l[i] = labelBytes[i] & 0xff;
            ids[i] = i;
        }
        return new ImageSet(name, p, l, ids, rows, cols, numClasses);
    }

    private static byte[] readUbytes(Path file, int expectedDims, int[][] dimsOut, String missingHint) {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            InputStream in = b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(raw, 1 << 16) : raw;
            DataInputStream data = new DataInputStream(new BufferedInputStream(in, 1 << 16));
            int magic = data.readInt();
            int type = (magic >>> 8) & 0xff;
            int dims = magic & 0xff;
            if ((magic >>> 16) != 0 || type != UBYTE || dims != expectedDims) {
                throw new UnlearningException(file + ": magic 0x" + Integer.toHexString(magic) + " is not an IDX"
                        + " unsigned-byte file with " + expectedDims + " dimensions (expected 0x0000080"
                        + expectedDims + ")");
            }
            int[] sizes = new int[dims];
            long total = 1;
            for (int i = 0; i < dims; i++) {
                sizes[i] = data.readInt();
                total *= sizes[i];
            }
            if (total > Integer.MAX_VALUE) {
                throw new UnlearningException(file + ": " + total + " values do not fit in memory as one array");
            }
            byte[] out = new byte[(int) total];
            data.readFully(out);
            dimsOut[0] = sizes;
            return out;
        } catch (NoSuchFileException e) {
            throw new DatasetMissingException("data file " + file + " does not exist; " + missingHint, e);
        } catch (IOException e) {
            throw new DatasetMissingException("cannot read data file " + file + " (" + e.getMessage() + "); "
                    + missingHint, e);
        }
    }
}
