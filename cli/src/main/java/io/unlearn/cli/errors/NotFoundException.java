package io.unlearn.cli.errors;

import io.unlearn.cli.ExitCodes;

/** The request, model, topic or dead letter asked for is unknown; exit code 5. */
public class NotFoundException extends CliException {

    public NotFoundException(String message) {
        super(ExitCodes.NOT_FOUND, message);
    }
}
