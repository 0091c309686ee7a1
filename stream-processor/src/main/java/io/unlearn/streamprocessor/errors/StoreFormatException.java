package io.unlearn.streamprocessor.errors;

/** A state-store value was written in a format this version cannot read (unknown version byte or short value). */
public class StoreFormatException extends StreamProcessorException {

    public StoreFormatException(String message) {
        super(message);
    }
}
