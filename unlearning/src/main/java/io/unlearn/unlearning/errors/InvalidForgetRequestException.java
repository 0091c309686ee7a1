package io.unlearn.unlearning.errors;

/** A forget request names sample ids, subjects or classes the data set does not have. */
public class InvalidForgetRequestException extends UnlearningException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates an exception.
     *
     * @param message which value is unknown and what range is valid
     */
    public InvalidForgetRequestException(String message) {
        super(message);
    }
}
