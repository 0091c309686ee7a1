package io.unlearn.worker.errors;

/** The root of every failure raised by the unlearn-worker. */
public class UnlearnWorkerException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * @param message what failed, for which value, and what to do next
     */
    public UnlearnWorkerException(String message) {
        super(message);
    }

    /**
     * @param message what failed, for which value, and what to do next
     * @param cause the underlying failure
     */
    public UnlearnWorkerException(String message, Throwable cause) {
        super(message, cause);
    }
}
