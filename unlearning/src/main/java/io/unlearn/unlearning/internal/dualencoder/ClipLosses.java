package io.unlearn.unlearning.internal.dualencoder;

import ai.djl.ndarray.NDArray;

/**
 * The dual encoder's loss terms (CLIP, Radford et al. 2021; CLIPErase, Yang et al. 2024, arXiv 2410.23330).
 * Shapes: u, v (N, D) unit rows (image and text embeddings of N pairs, pair i = (u_i, v_i)); s the logit scale
 * (1). Logits {@code S = s · U Vᵀ} (N, N): row i scores image i against every caption, column j caption j against
 * every image.
 */
public final class ClipLosses {

    private ClipLosses() {
    }

    /**
     * The symmetric CLIP loss: each image must pick its own caption among the batch's and each caption its own
     * image.
     *
     * <pre>
     *   L = ½ [ −(1/N) Σ_i log softmax_j(S)_{ii}  −  (1/N) Σ_j log softmax_i(S)_{jj} ]
     * </pre>
     *
     * @param u image embeddings (N, D)
     * @param v text embeddings (N, D)
     * @param s logit scale (1)
     * @return scalar L
     */
    public static NDArray clip(NDArray u, NDArray v, NDArray s) {
        NDArray logits = u.matMul(v.transpose()).mul(s);
        NDArray eye = u.getManager().eye((int) u.getShape().get(0));
        NDArray imageToText = logits.logSoftmax(1).mul(eye).sum(new int[] {1}).mean();
        NDArray textToImage = logits.logSoftmax(0).mul(eye).sum(new int[] {0}).mean();
        return imageToText.add(textToImage).div(-2f);
    }

    /**
     * CLIPErase's forgetting term: the mean cosine similarity of the forget pairs, to be minimized.
     *
     * <pre>
     *   L_FM = (1/N_f) Σ_i u_i · v_i
     * </pre>
     *
     * @param u forget images' embeddings (N_f, D)
     * @param v their captions' embeddings (N_f, D)
     * @return scalar L_FM
     */
    public static NDArray forgetMatch(NDArray u, NDArray v) {
        return u.mul(v).sum(new int[] {1}).mean();
    }

    /**
     * CLIPErase's consistency term on a retain batch: how far the current model's similarity distributions have
     * drifted from the frozen original's, image side and text side.
     *
     * <pre>
     *   p^img_i = softmax_j(S_ij), p^txt_j = softmax_i(S_ij), S = s · U Vᵀ (current), S_o likewise (original)
     *   L_CM = (1/N_r) Σ_i KL(p^img_o,i ‖ p^img_i) + (1/N_r) Σ_j KL(p^txt_o,j ‖ p^txt_j),
     *   KL(p ‖ q) = Σ_k p_k (log p_k − log q_k)
     * </pre>
     *
     * @param u current image embeddings (N_r, D)
     * @param v current text embeddings (N_r, D)
     * @param s current logit scale (1)
     * @param uOriginal the original model's image embeddings (N_r, D), no gradient
     * @param vOriginal the original model's text embeddings (N_r, D), no gradient
     * @param sOriginal the original model's logit scale (1)
     * @return scalar L_CM
     */
    public static NDArray consistency(NDArray u, NDArray v, NDArray s, NDArray uOriginal, NDArray vOriginal,
            NDArray sOriginal) {
        NDArray logits = u.matMul(v.transpose()).mul(s);
        NDArray original = uOriginal.matMul(vOriginal.transpose()).mul(sOriginal);
        return kl(original.logSoftmax(1), logits.logSoftmax(1), 1)
                .add(kl(original.logSoftmax(0), logits.logSoftmax(0), 0));
    }

    /** Mean over the other axis of KL(p_o ‖ p) along {@code axis}, given log-probabilities. */
    private static NDArray kl(NDArray logPOriginal, NDArray logP, int axis) {
        return logPOriginal.exp().mul(logPOriginal.sub(logP)).sum(new int[] {axis}).mean();
    }
}
