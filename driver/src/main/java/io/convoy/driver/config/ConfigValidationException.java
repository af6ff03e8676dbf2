package io.convoy.driver.config;

/** A configuration value that cannot be used. The message names the key, the value and what is allowed. */
public class ConfigValidationException extends RuntimeException {
    public ConfigValidationException(String message) {
        super(message);
    }

    public ConfigValidationException(String message, Throwable cause) {
        super(message, cause);
    }

    public static ConfigValidationException badValue(String key, Object value, String expected) {
        return new ConfigValidationException(key + " = " + value + ": expected " + expected);
    }
}
