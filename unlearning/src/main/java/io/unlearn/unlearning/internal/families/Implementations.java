package io.unlearn.unlearning.internal.families;

import io.unlearn.catalog.FamilySpec;
import io.unlearn.catalog.families.Classifiers;
import io.unlearn.unlearning.errors.UnlearningException;
import java.util.List;
import java.util.Optional;

/**
 * The ML core's implementation of every catalog family; {@code FamilyImplementationsTest} checks that the two
 * lists agree and that every method of every family is implemented.
 */
public final class Implementations {

    private static final List<FamilyImplementation> ALL = List.of(
            new ClassifierImplementation(Classifiers.CLASSIFIER),
            new ClassifierImplementation(Classifiers.DKVB_CLASSIFIER),
            new ClassifierImplementation(Classifiers.TORCHSCRIPT_CLASSIFIER),
            new DualEncoderImplementation(),
            new DenoiserImplementation());

    private Implementations() {
    }

    /** @return every implementation */
    public static List<FamilyImplementation> all() {
        return ALL;
    }

    /**
     * @param family a catalog family
     * @return its implementation, if this build has one
     */
    public static Optional<FamilyImplementation> of(FamilySpec family) {
        return ALL.stream().filter(i -> i.family() == family).findFirst();
    }

    /**
     * @param family a catalog family
     * @return its implementation
     * @throws UnlearningException when this build has none
     */
    public static FamilyImplementation require(FamilySpec family) {
        return of(family).orElseThrow(() -> new UnlearningException("this build of the unlearning module does not"
                + " implement the " + family.id() + " family"));
    }
}
