package io.unlearn.unlearning.spi;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of model this module can train, save, load and unlearn. */
public enum ModelFamily {
    /** CNN encoder, MLP projection, L2-normalized embedding, linear head. */
    CLASSIFIER("classifier"),
    /** A frozen classifier embedding followed by a discrete key-value bottleneck. */
    DKVB_CLASSIFIER("dkvb_classifier"),
    /**
     * A classifier defined outside this module as a TorchScript file whose {@code forward(x)} returns
     * {@code (embedding, logits)}; loaded with {@link Unlearning#loadTorchScript}, unlearned by the gradient methods.
     */
    TORCHSCRIPT_CLASSIFIER("torchscript_classifier"),
    /**
     * A CLIP-style dual encoder: image tower and text tower projected into one L2-normalized space; made and
     * unlearned through {@link DualEncoders}.
     */
    DUAL_ENCODER("dual_encoder");

    private final String value;

    ModelFamily(String value) {
        this.value = value;
    }

    /**
     * Returns the lowercase name written into saved models.
     *
     * @return e.g. {@code classifier}
     */
    public String value() {
        return value;
    }

    /**
     * Parses a lowercase family name.
     *
     * @param value e.g. {@code "dkvb_classifier"}
     * @return the family
     * @throws IllegalArgumentException naming the value
     */
    public static ModelFamily parse(String value) {
        String v = value == null ? "" : value.trim().toLowerCase(Locale.ROOT);
        for (ModelFamily f : values()) {
            if (f.value.equals(v)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown model family '" + value + "'; expected "
                + Arrays.stream(values()).map(ModelFamily::value).collect(Collectors.joining(" | ")));
    }
}
