package io.convoy.driver.sweep;

import io.convoy.driver.config.Redaction;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One trial of a sweep as the file defines it.
 *
 * @param name       unique within the sweep; also the name of its folder under the sweep directory
 * @param parameters what distinguishes this trial (axis values or the case's overrides), key -> value as written
 * @param overrides  the same as run-config overrides ({@code key=value}, HOCON values)
 */
public record TrialSpec(String name, Map<String, String> parameters, List<String> overrides) {
    public TrialSpec {
        parameters = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(parameters));
        overrides = List.copyOf(overrides);
    }

    /** The parameters as one line: {@code model.name=plain20, train.sync=sharing}; a secret-looking key's value redacted. */
    public String parameterLine() {
        return parameters.entrySet().stream()
                .map(e -> e.getKey() + "=" + (Redaction.DEFAULT.pattern().matcher(e.getKey()).find()
                        ? Redaction.MARKER : Redaction.scrub(e.getValue())))
                .collect(Collectors.joining(", "));
    }
}
