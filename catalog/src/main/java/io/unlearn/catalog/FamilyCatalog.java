package io.unlearn.catalog;

import io.unlearn.catalog.families.Classifiers;
import io.unlearn.catalog.families.DenoiserFamily;
import io.unlearn.catalog.families.DualEncoderFamily;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one list of model families. To add a family: describe it in {@code io.unlearn.catalog.families}, add it
 * here, and implement it in the ML core ({@code unlearning}, whose {@code FamilyImplementationsTest} fails until
 * every family listed here has an implementation).
 */
public final class FamilyCatalog {

    private static final List<FamilySpec> FAMILIES = List.of(Classifiers.CLASSIFIER, Classifiers.DKVB_CLASSIFIER,
            Classifiers.TORCHSCRIPT_CLASSIFIER, DualEncoderFamily.DUAL_ENCODER, DenoiserFamily.DENOISER);

    private FamilyCatalog() {
    }

    /** @return every family, in a fixed order */
    public static List<FamilySpec> families() {
        return FAMILIES;
    }

    /**
     * @param id a family id, e.g. {@code classifier}
     * @return the family, or empty when none has that id
     */
    public static Optional<FamilySpec> family(String id) {
        return FAMILIES.stream().filter(f -> f.id().equals(id)).findFirst();
    }

    /**
     * @param id a family id
     * @return the family
     * @throws IllegalArgumentException naming the id and the known families
     */
    public static FamilySpec require(String id) {
        return family(id).orElseThrow(() -> new IllegalArgumentException("unknown model family '" + id
                + "'; known families are " + ids()));
    }

    /** @return the family ids, for messages: {@code classifier | dkvb_classifier | ...} */
    public static String ids() {
        return FAMILIES.stream().map(FamilySpec::id).collect(Collectors.joining(" | "));
    }
}
