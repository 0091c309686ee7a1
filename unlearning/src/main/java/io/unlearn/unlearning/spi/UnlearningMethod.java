package io.unlearn.unlearning.spi;

import io.unlearn.catalog.MethodSpec;

/**
 * An unlearning method: turns a parent model version and a forget set into a child version that no longer
 * carries the forget set. Get one from {@link Unlearning#method(MethodSpec)}.
 *
 * <p>The parent is never modified; the result holds a new handle the caller must close.
 */
public interface UnlearningMethod {

    /**
     * Returns the method's lowercase name, one of {@code retrain | fine_tune | neg_grad_plus | contrastive | dkvb}.
     *
     * @return the name, equal to {@link #method()}{@code .id()}
     */
    default String name() {
        return method().id();
    }

    /**
     * Returns which method this is.
     *
     * @return the method
     */
    MethodSpec method();

    /**
     * Runs the method.
     *
     * @param parent the model version to unlearn from (left untouched)
     * @param data the training set, the forget/retain split and the test set
     * @return the child model and the cost
     * @throws io.unlearn.unlearning.errors.UnlearningException when the parent's family is not supported
     */
    UnlearningResult apply(ModelHandle parent, UnlearningData data);
}
