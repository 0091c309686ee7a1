package io.unlearn.streamprocessor.errors;

/** A deletion-request record larger than {@code request.max.bytes}, refused before it was decoded. */
public class RequestTooLargeException extends StreamProcessorException {

    public RequestTooLargeException(String message) {
        super(message);
    }
}
