package io.unlearn.registry.registration;

import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The unlearning methods a policy may name. The lowercase string is the one the unlearning SPI's {@code name()}
 * and the {@code method} metric tag use (see docs/glossary.md).
 */
public enum UnlearningMethodName {
    RETRAIN("retrain"),
    FINE_TUNE("fine_tune"),
    NEG_GRAD_PLUS("neg_grad_plus"),
    CONTRASTIVE("contrastive"),
    DKVB("dkvb");

    private final String value;

    UnlearningMethodName(String value) {
        this.value = value;
    }

    public String value() {
        return value;
    }

    /** The method named {@code value} exactly (lowercase), or empty. */
    public static Optional<UnlearningMethodName> parse(String value) {
        return Arrays.stream(values()).filter(m -> m.value.equals(value)).findFirst();
    }

    /** "retrain | fine_tune | ..." for error messages. */
    public static String choices() {
        return Arrays.stream(values()).map(UnlearningMethodName::value).collect(Collectors.joining(" | "));
    }
}
