package io.unlearn.unlearning.spi;

/**
 * Provenance and architecture of a model version, saved with its parameters.
 *
 * @param seed the random seed of the run that produced the parameters
 * @param engine the DJL engine name, e.g. {@code PyTorch}
 * @param djlVersion the DJL version
 * @param device the device the parameters were produced on, e.g. {@code cpu()}
 * @param numClasses the number of output classes
 * @param imageRows the input height in pixels
 * @param imageCols the input width in pixels
 */
public record ModelInfo(long seed, String engine, String djlVersion, String device, int numClasses, int imageRows,
        int imageCols) {
}
