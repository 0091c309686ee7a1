package io.unlearn.schemas.errors;

/** The registry has no subject (or no version of it) by the requested name; usually nothing was produced to the topic yet. */
public class UnknownSubjectException extends SchemaContractException {

    public UnknownSubjectException(String message) {
        super(message);
    }
}
