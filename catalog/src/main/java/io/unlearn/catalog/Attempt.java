package io.unlearn.catalog;

/**
 * What one attempt at a batch runs: the method and its complete settings.
 *
 * @param number the batch's attempt, 0 first
 * @param settings the method (via {@link Settings#method()}) with every setting it runs with
 */
public record Attempt(int number, Settings settings) {

    /** @return the method */
    public MethodSpec method() {
        return settings.method();
    }

    /** @return whether this attempt is exact retraining */
    public boolean exact() {
        return settings.method().exact();
    }
}
