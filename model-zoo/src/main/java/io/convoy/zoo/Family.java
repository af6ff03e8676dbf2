package io.convoy.zoo;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * One family of {@link ModelZoo}, declared in one place (as a timm registration): its label, its entries'
 * reference input and classes, the names it builds by pattern if its depth or width is free, and the
 * entries it publishes. A published entry with a name of the pattern is built by the pattern's parser, so a
 * family's hyper-parameters are written once.
 */
final class Family {
    /**
     * What a name of the family builds.
     *
     * @param published the description as a published entry; null for the description with the family's citation
     */
    record Member(String description, String published, Function<ModelRequest, ComputationGraphConfiguration> builder) {
        Member(String description, Function<ModelRequest, ComputationGraphConfiguration> builder) {
            this(description, null, builder);
        }
    }

    /** Reads a name the pattern matched; empty if it is not a member after all, throws if its depth or width is invalid. */
    @FunctionalInterface
    interface Parser {
        Optional<Member> parse(Matcher m, String name);
    }

    private final String label;
    private final String citation;
    private final InputShape input;
    private final int classes;
    private final Pattern pattern;
    private final String form;
    private final Parser parser;
    private final List<ModelEntry> published = new ArrayList<>();

    private Family(String label, String citation, InputShape input, int classes, Pattern pattern, String form,
                   Parser parser) {
        this.label = label;
        this.citation = citation;
        this.input = input;
        this.classes = classes;
        this.pattern = pattern;
        this.form = form;
        this.parser = parser;
    }

    /** A family of published entries only. */
    static Family of(String label, String citation, InputShape input, int classes) {
        return new Family(label, citation, input, classes, null, null, null);
    }

    /**
     * A CIFAR family (10 classes) that also builds every name {@code regex} matches.
     *
     * @param form the names the pattern builds as a user reads them ({@code wrn_<depth>_<k>[_dropout]}), what an
     *             unknown name's message lists
     */
    static Family matching(String label, String citation, String regex, String form, Parser parser) {
        return new Family(label, citation, ModelEntry.CIFAR, 10, Pattern.compile(regex), form, parser);
    }

    /** The names the family builds by pattern, as a user reads them; empty for a family of published entries only. */
    Optional<String> form() {
        return Optional.ofNullable(form);
    }

    /** The paper the family's entries come from, as their descriptions cite it. */
    String citation() {
        return citation;
    }

    /** The entry for a name of the pattern, unpublished (no count); empty if the name is not the family's. */
    Optional<ModelEntry> member(String name) {
        return parse(name).map(m -> new ModelEntry(name, label, m.description(), 0, 1, true, input, classes, m.builder()));
    }

    private Optional<Member> parse(String name) {
        if (pattern == null) {
            return Optional.empty();
        }
        Matcher m = pattern.matcher(name);
        return m.matches() ? parser.parse(m, name) : Optional.empty();
    }

    /** Publishes a name of the pattern, without a published count. */
    Family publish(String name) {
        return publish(name, 0, 1);
    }

    /** Publishes a name of the pattern with the count its paper reports, rounded to {@code rounding}. */
    Family publish(String name, long params, long rounding) {
        Member m = parse(name).orElseThrow(() -> new IllegalStateException(name + " is not a name of family " + label));
        String description = m.published() != null ? m.published() : m.description() + " (" + citation + ")";
        return publish(name, description, params, rounding, true, m.builder());
    }

    /** Publishes an entry with its own builder; {@code params} 0 where no count is published. */
    Family publish(String name, String description, long params, long rounding,
                   Function<ModelRequest, ComputationGraphConfiguration> builder) {
        return publish(name, description, params, rounding, true, builder);
    }

    /** @param countsBatchNorm whether the published count includes BatchNorm's scale and shift */
    Family publish(String name, String description, long params, long rounding, boolean countsBatchNorm,
                   Function<ModelRequest, ComputationGraphConfiguration> builder) {
        published.add(new ModelEntry(name, label, description, params, rounding, countsBatchNorm, input, classes, builder));
        return this;
    }

    /** The published entries, in the order they were published. */
    List<ModelEntry> published() {
        return Collections.unmodifiableList(published);
    }
}
