package io.unlearn.unlearning.spi;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The unlearning methods this module implements, each mapped to one lowercase string.
 *
 * <p>The string is the value of the {@code unlearning.method} setting, the {@link UnlearningMethod#name()} of
 * the implementation and the {@code method} metric tag.
 */
public enum Method {
    /** Exact unlearning: train from scratch on D_r with the parent's recipe and seed (the reference). */
    RETRAIN("retrain"),
    /** Continue training the parent on D_r only. */
    FINE_TUNE("fine_tune"),
    /** Gradient descent on D_r plus gradient ascent on D_f. */
    NEG_GRAD_PLUS("neg_grad_plus"),
    /** Contrastive unlearning (Lee et al. 2024). */
    CONTRASTIVE("contrastive"),
    /** Key masking in a discrete key-value bottleneck (Shah et al. 2023); forward passes only. */
    DKVB("dkvb"),
    /** CLIPErase (Yang et al. 2024) for dual encoders: forget, retain and consistency terms. */
    CLIPERASE("cliperase"),
    /** Gradient ascent on the forget pairs' contrastive loss, optionally with retain descent (dual encoders). */
    GRADIENT_ASCENT("gradient_ascent");

    private final String value;

    Method(String value) {
        this.value = value;
    }

    /**
     * Returns the lowercase name.
     *
     * @return the setting value, e.g. {@code neg_grad_plus}
     */
    public String value() {
        return value;
    }

    /**
     * Parses a lowercase method name.
     *
     * @param value e.g. {@code "neg_grad_plus"}; surrounding blanks and case are ignored
     * @return the method
     * @throws IllegalArgumentException naming the value and the accepted names
     */
    public static Method parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (Method m : values()) {
            if (m.value.equals(v)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown unlearning method '" + value + "'; expected one of "
                + Arrays.stream(values()).map(Method::value).collect(Collectors.joining(" | ")));
    }

    @Override
    public String toString() {
        return value;
    }
}
