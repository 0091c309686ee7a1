package io.unlearn.verifier.errors;

/** Root of the verifier's exceptions. */
public class VerifierException extends RuntimeException {

    public VerifierException(String message) {
        super(message);
    }

    public VerifierException(String message, Throwable cause) {
        super(message, cause);
    }
}
