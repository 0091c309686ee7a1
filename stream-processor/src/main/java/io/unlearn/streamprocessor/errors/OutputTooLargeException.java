package io.unlearn.streamprocessor.errors;

/**
 * A record the stream-processor was about to write is larger than the producer accepts; the record is replaced by a
 * dead letter of the input record that caused it.
 */
public class OutputTooLargeException extends StreamProcessorException {

    public OutputTooLargeException(String message) {
        super(message);
    }

    public OutputTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
