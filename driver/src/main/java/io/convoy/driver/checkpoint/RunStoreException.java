package io.convoy.driver.checkpoint;

/** A run directory or checkpoint that is missing, incomplete or corrupt. */
public class RunStoreException extends RuntimeException {
    public RunStoreException(String message) {
        super(message);
    }

    public RunStoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
