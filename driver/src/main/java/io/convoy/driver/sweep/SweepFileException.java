package io.convoy.driver.sweep;

import io.convoy.driver.config.ConfigValidationException;

/** A sweep file that cannot be used: the message names the file, the key and what was expected (CLI exit code 2). */
public class SweepFileException extends ConfigValidationException {
    public SweepFileException(String message) {
        super(message);
    }

    public SweepFileException(String message, Throwable cause) {
        super(message, cause);
    }
}
