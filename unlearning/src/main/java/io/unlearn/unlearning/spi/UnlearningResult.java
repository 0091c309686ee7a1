package io.unlearn.unlearning.spi;

import io.unlearn.catalog.MethodSpec;

import java.util.Map;

/**
 * The outcome of one {@link UnlearningMethod#apply} call.
 *
 * @param model the new model version; the caller owns and closes it
 * @param method the method that produced it
 * @param cost what it cost
 * @param details method-specific facts worth recording (steps taken, why it stopped, keys masked), as text
 */
public record UnlearningResult(ModelHandle model, MethodSpec method, UnlearningCost cost, Map<String, String> details) {

    /** Copies the details map. */
    public UnlearningResult {
        details = Map.copyOf(details);
    }
}
