package io.unlearn.unlearning.errors;

/** Saved model bytes cannot be read: wrong magic, unknown format version, unknown family or corrupt parameters. */
public class ModelFormatException extends UnlearningException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message what was expected and what was found
     * @param cause the underlying failure, or null
     */
    public ModelFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
