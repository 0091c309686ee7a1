package io.unlearn.streamprocessor.errors;

/** Root of the stream-processor's own failures; subclasses are named after the condition. */
public class StreamProcessorException extends RuntimeException {

    public StreamProcessorException(String message) {
        super(message);
    }

    public StreamProcessorException(String message, Throwable cause) {
        super(message, cause);
    }
}
