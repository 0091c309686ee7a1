package io.unlearn.unlearning.internal.dualencoder;

/**
 * The sizes of a {@link DualEncoderBlock}.
 *
 * @param numClasses classes of the data set (zero-shot prompts exist for each)
 * @param rows input height
 * @param cols input width
 * @param conv1 filters of the image tower's first 3x3 convolution; default 16
 * @param conv2 filters of the image tower's second 3x3 convolution; default 32
 * @param imageHidden width of the image tower's dense layer; default 128
 * @param embeddingDim dimension of the shared L2-normalized space; default 64
 * @param vocabularySize words in the vocabulary (token ids 0..vocabularySize-1)
 * @param tokenDim dimension of a token embedding; default 64
 * @param textHidden width of the text tower's hidden layer; default 128
 */
public record DualEncoderArchitecture(int numClasses, int rows, int cols, int conv1, int conv2, int imageHidden,
        int embeddingDim, int vocabularySize, int tokenDim, int textHidden) {

    /** Rejects non-positive sizes. */
    public DualEncoderArchitecture {
        if (numClasses < 1 || rows < 4 || cols < 4 || conv1 < 1 || conv2 < 1 || imageHidden < 1 || embeddingDim < 1
                || vocabularySize < 1 || tokenDim < 1 || textHidden < 1) {
            throw new IllegalArgumentException("dual-encoder sizes must be positive (images at least 4x4): " + this);
        }
    }

    /**
     * @param numClasses classes
     * @param rows input height
     * @param cols input width
     * @param vocabularySize words in the vocabulary
     * @return the default sizes for that input and vocabulary
     */
    public static DualEncoderArchitecture defaults(int numClasses, int rows, int cols, int vocabularySize) {
        return new DualEncoderArchitecture(numClasses, rows, cols, 16, 32, 128, 64, vocabularySize, 64, 128);
    }
}
