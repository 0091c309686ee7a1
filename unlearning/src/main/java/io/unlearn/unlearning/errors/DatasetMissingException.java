package io.unlearn.unlearning.errors;

/** A data set's files are absent or unreadable; the message names the file and how to install it. */
public class DatasetMissingException extends UnlearningException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message which file is missing and how to install it
     * @param cause the underlying I/O failure, or null
     */
    public DatasetMissingException(String message, Throwable cause) {
        super(message, cause);
    }
}
