package io.convoy.driver.train;

/** The loss or the parameters became NaN or infinite; the run stops before writing a checkpoint. */
public final class TrainingDivergedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
