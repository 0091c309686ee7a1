package io.unlearn.unlearning.internal.model;

/**
 * The sizes of a {@link DkvbBlock}'s bottleneck.
 *
 * @param codebooks C, number of codebooks (heads)
 * @param keysPerCodebook K, keys per codebook
 * @param keyDim D, dimension of each head's projection and keys
 */
public record DkvbArchitecture(int codebooks, int keysPerCodebook, int keyDim) {
}
