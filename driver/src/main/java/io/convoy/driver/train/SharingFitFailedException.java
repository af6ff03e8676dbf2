package io.convoy.driver.train;

/**
 * A gradient-sharing task's fit failed on an executor; DL4J's {@code SharedTrainingWrapper} only logged it, so Convoy
 * fails the task (and with it the epoch and the run) instead of going on as if the task had trained.
 */
public final class SharingFitFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SharingFitFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
