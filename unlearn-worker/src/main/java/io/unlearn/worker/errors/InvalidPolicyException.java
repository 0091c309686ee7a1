package io.unlearn.worker.errors;

/**
 * A model's registered unlearning policy cannot be applied (unknown method, unknown or malformed setting); the
 * batch's requests end FAILED with this message, since only a policy change can fix it.
 */
public class InvalidPolicyException extends UnlearnWorkerException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message which method or setting is wrong and what is accepted
     */
    public InvalidPolicyException(String message) {
        super(message);
    }
}
