package io.unlearn.unlearning.spi;

import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable set of labelled grey-scale images held in memory, with stable sample ids.
 *
 * <p>Sample ids are the index of the sample in its source file, so they survive subsetting. Samples are
 * assigned to subjects deterministically: sample {@code i} belongs to subject {@code "subject-" + i / 10}
 * ({@value #SAMPLES_PER_SUBJECT} consecutive samples per subject), which lets deletion requests name subjects.
 * Pixels are stored row-major as floats in [0, 1].
 */
public final class ImageSet {

    /** How many consecutive samples one subject owns. */
    public static final int SAMPLES_PER_SUBJECT = 10;

    private final String name;
    private final float[] pixels;
    private final int[] labels;
    private final int[] ids;
    private final int rows;
    private final int cols;
    private final int numClasses;

    /**
     * Creates a set; arrays are used as given (not copied), so do not modify them afterwards.
     *
     * @param name a label for logs, e.g. {@code fashion-mnist/train}
     * @param pixels {@code size * rows * cols} values in [0, 1]
     * @param labels class labels in {@code [0, numClasses)}
     * @param ids stable sample ids (index in the source file)
     * @param rows image height
     * @param cols image width
     * @param numClasses number of classes
     */
    public ImageSet(String name, float[] pixels, int[] labels, int[] ids, int rows, int cols, int numClasses) {
        this.name = Objects.requireNonNull(name);
        if (labels.length != ids.length || pixels.length != (long) labels.length * rows * cols) {
            throw new IllegalArgumentException(name + ": " + labels.length + " labels, " + ids.length + " ids and "
                    + pixels.length + " pixels do not match " + rows + "x" + cols + " images");
        }
        for (int label : labels) {
            if (label < 0 || label >= numClasses) {
                throw new IllegalArgumentException(name + ": label " + label + " outside [0, " + numClasses + ")");
            }
        }
        this.pixels = pixels;
        this.labels = labels;
        this.ids = ids;
        this.rows = rows;
        this.cols = cols;
        this.numClasses = numClasses;
    }

    /**
     * Returns the subject that owns a sample.
     *
     * @param sampleId the sample id (index in the source file)
     * @return e.g. {@code subject-42} for samples 420..429
     */
    public static String subjectOf(int sampleId) {
        return "subject-" + sampleId / SAMPLES_PER_SUBJECT;
    }

    /** @return the set's label for logs */
    public String name() {
        return name;
    }

    /** @return the number of samples */
    public int size() {
        return labels.length;
    }

    /** @return image height */
    public int rows() {
        return rows;
    }

    /** @return image width */
    public int cols() {
        return cols;
    }

    /** @return the number of classes */
    public int numClasses() {
        return numClasses;
    }

    /**
     * @param position position in this set
     * @return the sample's label
     */
    public int label(int position) {
        return labels[position];
    }

    /**
     * @param position position in this set
     * @return the sample's stable id
     */
    public int id(int position) {
        return ids[position];
    }

    /**
     * Copies one image into {@code dst} at {@code offset}.
     *
     * @param position position in this set
     * @param dst destination
     * @param offset where the {@code rows * cols} values start
     */
    public void copyPixels(int position, float[] dst, int offset) {
        int n = rows * cols;
        System.arraycopy(pixels, position * n, dst, offset, n);
    }

    /**
     * Returns the samples at the given positions as a new set, keeping their ids.
     *
     * @param positions positions in this set
     * @param newName the new set's label
     * @return the subset
     */
    public ImageSet subset(int[] positions, String newName) {
        int n = rows * cols;
        float[] p = new float[positions.length * n];
        int[] l = new int[positions.length];
        int[] d = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            System.arraycopy(pixels, positions[i] * n, p, i * n, n);
            l[i] = labels[positions[i]];
            d[i] = ids[positions[i]];
        }
        return new ImageSet(newName, p, l, d, rows, cols, numClasses);
    }

    /** @return a copy of all labels */
    public int[] labels() {
        return labels.clone();
    }

    @Override
    public String toString() {
        return name + "[" + size() + " x " + rows + "x" + cols + ", " + numClasses + " classes, label counts "
                + Arrays.toString(counts()) + "]";
    }

    private int[] counts() {
        int[] c = new int[numClasses];
        for (int l : labels) {
            c[l]++;
        }
        return c;
    }
}
