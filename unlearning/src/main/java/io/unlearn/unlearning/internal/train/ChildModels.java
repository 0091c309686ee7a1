package io.unlearn.unlearning.internal.train;

import io.unlearn.unlearning.spi.ModelHandle;
import io.unlearn.unlearning.spi.UnlearningResult;
import java.util.function.Supplier;

/** What every method does with the child model it trains: hands it back in the result, or closes it on failure. */
public final class ChildModels {

    private ChildModels() {
    }

    /**
     * Runs a method's body on a fresh child copy and closes the child if the body fails, so a failed method never
     * leaks the child's native memory.
     *
     * @param child the child the body trains
     * @param body the method's body
     * @return the body's result
     */
    public static UnlearningResult closeOnFailure(ModelHandle child, Supplier<UnlearningResult> body) {
        try {
            return body.get();
        } catch (RuntimeException | Error e) {
            child.close();
            throw e;
        }
    }
}
