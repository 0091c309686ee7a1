package io.unlearn.localstack;

/**
 * Root of every failure to start, reach or stop a piece of the local stack (missing archive, child process
 * that died or never became ready, broker that refused a topic).
 */
public class LocalStackException extends RuntimeException {

    public LocalStackException(String message) {
        super(message);
    }

    public LocalStackException(String message, Throwable cause) {
        super(message, cause);
    }
}
