package io.convoy.worker.data;

/** Input data that cannot be read as the format it claims to be. The message names the file, the offset and what was expected. */
public class InvalidDataException extends RuntimeException {
    public InvalidDataException(String message) {
        super(message);
    }

    public InvalidDataException(String message, Throwable cause) {
        super(message, cause);
    }
}
