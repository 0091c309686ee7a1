package io.unlearn.unlearning.spi;

import java.util.Objects;

/**
 * A named data set: the training set D (whose sample ids deletion requests name) and the test set D_t. Get one
 * with {@link Unlearning#dataset(String)}.
 *
 * @param name the name it was resolved from, e.g. {@code fashion-mnist} or {@code synthetic?samples=600}
 * @param train D
 * @param test D_t
 */
public record Dataset(String name, ImageSet train, ImageSet test) {

    /** Checks that nothing is null. */
    public Dataset {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(train, "train");
        Objects.requireNonNull(test, "test");
    }
}
