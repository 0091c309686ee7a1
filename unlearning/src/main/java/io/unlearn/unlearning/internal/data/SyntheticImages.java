package io.unlearn.unlearning.internal.data;

import io.unlearn.unlearning.spi.ImageSet;
import java.util.Random;

/**
 * Small generated image sets for tests: each class has a fixed random prototype image (seeded), and a sample is
 * its class prototype plus Gaussian noise, clipped to [0, 1]. Labels cycle 0, 1, ..., so classes are balanced.
 */
public final class SyntheticImages {

    private SyntheticImages() {
    }

    /**
     * Generates a set.
     *
     * @param size number of samples
     * @param numClasses number of classes
     * @param side image side in pixels
     * @param noise standard deviation of the per-pixel noise
     * @param prototypeSeed seed of the class prototypes (use the same one for train and test)
     * @param sampleSeed seed of the noise
     * @param name the set's label
     * @return the images, ids 0..size-1
     */
    public static ImageSet generate(int size, int numClasses, int side, float noise, long prototypeSeed,
            long sampleSeed, String name) {
        int n = side * side;
        float[][] prototypes = new float[numClasses][n];
        Random pr = new Random(prototypeSeed);
        for (float[] p : prototypes) {
            for (int i = 0; i < n; i++) {
                p[i] = pr.nextFloat();
            }
        }
        Random r = new Random(sampleSeed);
        float[] pixels = new float[size * n];
        int[] labels = new int[size];
        int[] ids = new int[size];
        for (int s = 0; s < size; s++) {
            labels[s] = s % numClasses;
            ids[s] = s;
            for (int i = 0; i < n; i++) {
                float v = prototypes[labels[s]][i] + (float) r.nextGaussian() * noise;
                pixels[s * n + i] = Math.max(0f, Math.min(1f, v));
            }
        }
        return new ImageSet(name, pixels, labels, ids, side, side, numClasses);
    }
}
