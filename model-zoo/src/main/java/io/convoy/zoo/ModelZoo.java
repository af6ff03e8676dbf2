package io.convoy.zoo;

import io.convoy.zoo.resnet.CifarResNet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Registry of model names to builders, in the manner of timm: every public variant is one line,
 * and tests are driven by the registry. Families with a free depth parameter ({@code resnet<depth>})
 * also accept depths that are not registered, as long as the depth is valid for the family.
 */
public final class ModelZoo {
    private static final Pattern CIFAR_RESNET = Pattern.compile("resnet(\\d+)");

    private static final Map<String, ModelEntry> ENTRIES = new LinkedHashMap<>();

    static {
        // He et al. 2016, "Deep Residual Learning for Image Recognition", Table 6 (CIFAR-10).
        cifarResNet(20, 270_000);
        cifarResNet(32, 460_000);
        cifarResNet(44, 660_000);
        cifarResNet(56, 850_000);
        cifarResNet(110, 1_700_000);
        cifarResNet(1202, 19_400_000);
    }

    private ModelZoo() {
    }

    private static void cifarResNet(int depth, long paperParams) {
        register(new ModelEntry("resnet" + depth,
                "CIFAR ResNet-" + depth + " (He et al. 2016, 6n+2 layers, shortcut option A)",
                paperParams, request -> CifarResNet.of(depth).build(request)));
    }

    private static void register(ModelEntry entry) {
        if (ENTRIES.putIfAbsent(entry.name(), entry) != null) {
            throw new IllegalStateException("model registered twice: " + entry.name());
        }
    }

    /** Registered models, in registration order. */
    public static Map<String, ModelEntry> entries() {
        return Collections.unmodifiableMap(ENTRIES);
    }

    /** The entry for a name, including unregistered but valid family members such as {@code resnet8}. */
    public static ModelEntry entry(String name) {
        return find(name).orElseThrow(() -> new UnknownModelException(
                "unknown model '" + name + "'; valid models: " + String.join(", ", ENTRIES.keySet())
                        + " (or resnet<depth> for any depth 6n+2)"));
    }

    /** Checks a name without building anything; throws {@link UnknownModelException} naming what is valid. */
    public static void validate(String name) {
        entry(name);
    }

    public static ComputationGraphConfiguration build(String name, ModelRequest request) {
        return entry(name).build(request);
    }

    private static Optional<ModelEntry> find(String name) {
        ModelEntry registered = ENTRIES.get(name);
        if (registered != null) {
            return Optional.of(registered);
        }
        Matcher m = CIFAR_RESNET.matcher(name);
        if (m.matches()) {
            int depth = parseDepth(m.group(1), name);
            CifarResNet net = CifarResNet.of(depth); // throws if depth is not 6n+2
            return Optional.of(new ModelEntry(name, "CIFAR ResNet-" + depth + " (He et al. 2016)", 0, net::build));
        }
        return Optional.empty();
    }

    private static int parseDepth(String digits, String name) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new UnknownModelException("model '" + name + "': depth " + digits + " is too large");
        }
    }
}
