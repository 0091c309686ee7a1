package io.unlearn.registry.registration;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/** The model families of DESIGN.md; each maps to one lowercase string used in JSON and lineage details. */
public enum ModelFamily {
    CLASSIFIER("classifier"),
    DKVB_CLASSIFIER("dkvb_classifier"),
    DUAL_ENCODER("dual_encoder"),
    DENOISER("denoiser"),
    /** A classifier loaded from a TorchScript file whose forward returns (embedding, logits); see unlearning/README. */
    TORCHSCRIPT_CLASSIFIER("torchscript_classifier");

    private final String value;

    ModelFamily(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The family named {@code value} exactly (lowercase), or empty. */
    public static Optional<ModelFamily> parse(String value) {
        return Arrays.stream(values()).filter(f -> f.value.equals(value)).findFirst();
    }

    /** "classifier | dkvb_classifier | ..." for error messages. */
    public static String choices() {
        return Arrays.stream(values()).map(ModelFamily::value).collect(Collectors.joining(" | "));
    }
}
