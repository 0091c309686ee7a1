package io.unlearn.registry.errors;

/** A receipt or the receipt key was asked for, but the registry has no signing key (receipt.signing.key.file). */
public class ReceiptsDisabledException extends ModelRegistryException {

    public ReceiptsDisabledException(String message) {
        super(message);
    }
}
