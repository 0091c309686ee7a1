package io.unlearn.verifier.errors;

/**
 * A candidate that cannot be measured for a reason no retry of the batch would change: its parent is not a
 * version of the model, its forget set names samples the dataset lacks, or it forgets nothing new.
 */
public class UnverifiableCandidateException extends VerifierException {

    public UnverifiableCandidateException(String message) {
        super(message);
    }

    public UnverifiableCandidateException(String message, Throwable cause) {
        super(message, cause);
    }
}
