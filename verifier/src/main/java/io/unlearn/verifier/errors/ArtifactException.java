package io.unlearn.verifier.errors;

/**
 * A model artifact the verifier needs is missing from the store or its bytes do not hash to the digest it is
 * recorded under. The verdict is then FAILED with this message as the reason.
 */
public class ArtifactException extends VerifierException {

    private final boolean parent;

    public ArtifactException(String message, boolean parent) {
        super(message);
        this.parent = parent;
    }

    /**
     * Whether the parent's artifact is the broken one. A fresh attempt cannot repair the parent (the worker starts
     * from the same bytes), so the verifier ends the requests instead of retrying.
     */
    public boolean parent() {
        return parent;
    }
}
