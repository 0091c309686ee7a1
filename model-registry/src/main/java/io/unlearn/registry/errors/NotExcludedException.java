package io.unlearn.registry.errors;

/**
 * A receipt was asked for a request that no model excludes yet (still on its way, failed, rejected, or concerning no
 * model): there is nothing to attest. The HTTP answer is 409: the request exists, its state does not allow it.
 */
public class NotExcludedException extends ModelRegistryException {

    public NotExcludedException(String message) {
        super(message);
    }
}
