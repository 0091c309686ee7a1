package io.unlearn.unlearning.errors;

/** The root of every failure raised by the unlearning module. */
public class UnlearningException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what failed, for which value, and what to do next
     */
    public UnlearningException(String message) {
        super(message);
    }

    /**
     * Creates an exception with a cause.
     *
     * @param message what failed, for which value, and what to do next
     * @param cause the underlying failure
     */
    public UnlearningException(String message, Throwable cause) {
        super(message, cause);
    }
}
