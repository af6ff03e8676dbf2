package io.convoy.zoo;

/** A model name or architecture parameter that the zoo cannot build. The message says what is valid. */
public class UnknownModelException extends IllegalArgumentException {
    public UnknownModelException(String message) {
        super(message);
    }
}
