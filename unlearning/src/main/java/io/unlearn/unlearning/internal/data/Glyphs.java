package io.unlearn.unlearning.internal.data;

import io.unlearn.unlearning.spi.ImageSet;

/**
 * The memorization setting of the denoiser family: a training set plus exact copies of one out-of-distribution
 * image, a rendered glyph (a capital A drawn from three anti-aliased strokes). The copies get sample ids of their
 * own, starting at the first multiple of {@link ImageSet#SAMPLES_PER_SUBJECT} above the set's ids, so whole
 * subjects own them and a deletion request can name them by sample id or by subject.
 */
public final class Glyphs {

    // the strokes of "A" in unit coordinates (x0, y0, x1, y1): two legs and the bar
    private static final double[][] STROKES = {{0.22, 0.86, 0.5, 0.14}, {0.5, 0.14, 0.78, 0.86},
        {0.33, 0.6, 0.67, 0.6}};

    private Glyphs() {
    }

    /**
     * @param rows image height
     * @param cols image width
     * @return the glyph, pixels in [0, 1], row-major
     */
    public static float[] glyph(int rows, int cols) {
        float[] out = new float[rows * cols];
        double halfWidth = 0.06 * Math.min(rows, cols);
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                double px = c + 0.5;
                double py = r + 0.5;
                double best = Double.MAX_VALUE;
                for (double[] s : STROKES) {
                    best = Math.min(best, distance(px, py, s[0] * cols, s[1] * rows, s[2] * cols, s[3] * rows));
                }
                out[r * cols + c] = (float) Math.max(0, Math.min(1, halfWidth + 0.5 - best));
            }
        }
        return out;
    }

    private static double distance(double px, double py, double x0, double y0, double x1, double y1) {
        double dx = x1 - x0;
        double dy = y1 - y0;
        double u = Math.max(0, Math.min(1, ((px - x0) * dx + (py - y0) * dy) / (dx * dx + dy * dy)));
        return Math.hypot(px - (x0 + u * dx), py - (y0 + u * dy));
    }

    /**
     * @param set a training set
     * @return the sample id the first copy gets: the first multiple of the subject size above every id
     */
    public static int firstCopyId(ImageSet set) {
        int max = -1;
        for (int i = 0; i < set.size(); i++) {
            max = Math.max(max, set.id(i));
        }
        int per = ImageSet.SAMPLES_PER_SUBJECT;
        return (max / per + 1) * per;
    }

    /**
     * @param set a training set
     * @param copies how many copies of the glyph to append
     * @return the set followed by the copies (label 0, ids from {@link #firstCopyId})
     */
    public static ImageSet withCopies(ImageSet set, int copies) {
        int p = set.rows() * set.cols();
        int n = set.size() + copies;
        float[] pixels = new float[n * p];
        int[] labels = new int[n];
        int[] ids = new int[n];
        for (int i = 0; i < set.size(); i++) {
            set.copyPixels(i, pixels, i * p);
            labels[i] = set.label(i);
            ids[i] = set.id(i);
        }
        float[] glyph = glyph(set.rows(), set.cols());
        int first = firstCopyId(set);
        for (int k = 0; k < copies; k++) {
            System.arraycopy(glyph, 0, pixels, (set.size() + k) * p, p);
            ids[set.size() + k] = first + k;
        }
        return new ImageSet(set.name() + "+glyphs", pixels, labels, ids, set.rows(), set.cols(), set.numClasses());
    }
}
