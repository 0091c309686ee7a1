package io.unlearn.cli.errors;

import io.unlearn.cli.ExitCodes;

/** Kafka, the schema registry or the model-registry did not answer in time; exit code 4. */
public class ServiceUnavailableException extends CliException {

    public ServiceUnavailableException(String message, Throwable cause) {
        super(ExitCodes.UNAVAILABLE, message, cause);
    }
}
