package io.convoy.driver.spark;

import io.convoy.driver.config.ConfigValidationException;

/**
 * The cluster named by the configuration did not take the application: its master is unreachable, or it refused the
 * driver (a wrong or missing spark.authenticate secret). A configuration problem: the CLI exits 2.
 */
public class ClusterConnectionException extends ConfigValidationException {
    public ClusterConnectionException(String message) {
        super(message);
    }
}
