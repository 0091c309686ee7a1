package io.unlearn.unlearning.internal.model;

/**
 * The sizes of a {@link ClassifierBlock}.
 *
 * @param numClasses output classes
 * @param rows input height
 * @param cols input width
 * @param conv1 filters of the first 3x3 convolution; default 16
 * @param conv2 filters of the second 3x3 convolution; default 32
 * @param hidden width of the encoder's dense layer and of the projection's hidden layer; default 128
 * @param embeddingDim dimension of the L2-normalized embedding z; default 64
 */
public record ClassifierArchitecture(int numClasses, int rows, int cols, int conv1, int conv2, int hidden,
        int embeddingDim) {

    /**
     * @param numClasses output classes
     * @param rows input height
     * @param cols input width
     * @return the default sizes for that input
     */
    public static ClassifierArchitecture defaults(int numClasses, int rows, int cols) {
        return new ClassifierArchitecture(numClasses, rows, cols, 16, 32, 128, 64);
    }
}
