/**
 * The CLIP-style dual-encoder family (internal): captions and vocabulary, the two-tower block, training, the
 * contrastive losses, the unlearning methods (CLIPErase and its baselines) and the retrieval and zero-shot metrics.
 */
package io.unlearn.unlearning.internal.dualencoder;
