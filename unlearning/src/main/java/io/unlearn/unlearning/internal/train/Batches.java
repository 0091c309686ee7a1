package io.unlearn.unlearning.internal.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.unlearn.unlearning.spi.ImageSet;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/** Turns positions of an {@link ImageSet} into NDArrays and seeded mini-batches. */
public final class Batches {

    private Batches() {
    }

    /**
     * @param manager the (step) manager that owns the result
     * @param set the images
     * @param positions which samples
     * @return images (N, 1, rows, cols)
     */
    public static NDArray images(NDManager manager, ImageSet set, int[] positions) {
        int n = set.rows() * set.cols();
        float[] buf = new float[positions.length * n];
        for (int i = 0; i < positions.length; i++) {
            set.copyPixels(positions[i], buf, i * n);
        }
        return manager.create(buf, new Shape(positions.length, 1, set.rows(), set.cols()));
    }

    /**
     * @param manager the (step) manager that owns the result
     * @param set the images
     * @param positions which samples
     * @return labels (N), int32
     */
    public static NDArray labels(NDManager manager, ImageSet set, int[] positions) {
        int[] l = new int[positions.length];
        for (int i = 0; i < positions.length; i++) {
            l[i] = set.label(positions[i]);
        }
        return manager.create(l);
    }

    /**
     * Shuffles positions with a seeded generator and cuts them into batches (the last may be smaller).
     *
     * @param positions the samples
     * @param batchSize samples per batch
     * @param random the generator
     * @return the batches
     */
    public static List<int[]> shuffled(int[] positions, int batchSize, Random random) {
        int[] p = positions.clone();
        for (int i = p.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        List<int[]> out = new ArrayList<>();
        for (int from = 0; from < p.length; from += batchSize) {
            out.add(Arrays.copyOfRange(p, from, Math.min(p.length, from + batchSize)));
        }
        return out;
    }

    /**
     * Draws {@code n} distinct positions without replacement (all of them if there are fewer), sorted.
     *
     * @param positions the pool
     * @param n how many
     * @param random the generator
     * @return the sample
     */
    public static int[] sample(int[] positions, int n, Random random) {
        if (n >= positions.length) {
            return positions.clone();
        }
        int[] s = shuffled(positions, n, random).get(0);
        Arrays.sort(s);
        return s;
    }
}
