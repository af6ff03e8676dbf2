package io.convoy.zoo;

import io.convoy.zoo.densenet.DenseNet;
import io.convoy.zoo.fractalnet.FractalNet;
import io.convoy.zoo.plain.LeNet5;
import io.convoy.zoo.plain.Vgg;
import io.convoy.zoo.resnet.CifarResNet;
import io.convoy.zoo.resnet.IdentityMappingResNet;
import io.convoy.zoo.resnet.IdentityMappingResNet.ShortcutVariant;
import io.convoy.zoo.resnet.IdentityMappingResNet.UnitOrder;
import io.convoy.zoo.resnet.ImageNetResNet;
import io.convoy.zoo.resnet.PreActResNet;
import io.convoy.zoo.resnet.Shortcut;
import io.convoy.zoo.resnet.WideResNet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Registry of model names to builders, in the manner of timm: every public variant is one line,
 * and tests are driven by the registry. Families with a free depth also accept unregistered members
 * by pattern: {@code resnet<d>} and {@code resnet<d>_<a|b|c>} (CIFAR, 6n+2), {@code plain<d>},
 * {@code resnet<d>_<variant>}, {@code wrn_<d>_<k>[_dropout]}, {@code densenet[_bc]_<L>_<k>} and
 * {@code fractalnet_b<B>_c<C>[_as_released]}; a name of a family with an invalid depth or width is refused
 * with the family's rule.
 * Registered names win: {@code resnet50} and {@code resnet152} are the ImageNet nets, as in torchvision.
 */
public final class ModelZoo {
    private static final Pattern CIFAR_RESNET = Pattern.compile("resnet(\\d+)(?:_([abc]))?");
    private static final Pattern PLAIN = Pattern.compile("plain(\\d+)");
    private static final Pattern FRACTAL = Pattern.compile("fractalnet_b(\\d+)_c(\\d+)(_as_released)?");
    private static final Pattern DENSE = Pattern.compile("densenet(_bc)?_(\\d+)_(\\d+)");
    private static final Pattern WIDE = Pattern.compile("wrn_(\\d+)_(\\d+)(_dropout)?");
    private static final Pattern VARIANT = Pattern.compile("resnet(\\d+)_([a-z_]+)");
    /** The exclusive-gating row of Table 1 the paper reports best: gate bias initialised to -6. */
    private static final double GATE_BIAS = -6.0;

    private static final Map<String, ModelEntry> ENTRIES = new LinkedHashMap<>();
    private static final FractalNet FRACTALNET_20 = FractalNet.of(5, 3, 0.15, 0.5, true).withEntryProjection(true);

    static {
        // He et al. 2016, "Deep Residual Learning for Image Recognition", Table 6 (CIFAR-10, option A).
        cifarResNet(20, 270_000, 10_000);
        cifarResNet(32, 460_000, 10_000);
        cifarResNet(44, 660_000, 10_000);
        cifarResNet(56, 850_000, 10_000);
        cifarResNet(110, 1_700_000, 100_000);
        cifarResNet(1202, 19_400_000, 100_000);
        // Plain twins of Fig. 6: the same layers without shortcuts (no parameter counts published).
        for (int d : new int[] {20, 32, 44, 56, 110}) {
            register("plain" + d, "plain-cifar", "plain " + d + "-layer net (He et al. 2016, Fig. 6)", 0, 1,
                    ModelEntry.CIFAR, 10, r -> CifarResNet.of(d, Shortcut.NONE).build(r));
        }
        // He et al. 2016b, "Identity Mappings in Deep Residual Networks", Table 3.
        register("preact_resnet110", "preact-resnet-cifar", "pre-activation ResNet-110, basic units (He et al. 2016b)",
                1_700_000, 100_000, ModelEntry.CIFAR, 10, r -> PreActResNet.basic(110).build(r));
        register("preact_resnet164", "preact-resnet-cifar", "pre-activation ResNet-164, bottleneck units (He et al. 2016b)",
                1_700_000, 100_000, ModelEntry.CIFAR, 10, r -> PreActResNet.bottleneck(164).build(r));
        // The paper's 10.2M matches the convolution and classifier weights alone (10.18M); with BatchNorm's
        // scale and shift (another 0.15M) the net has 10.33M trainable parameters.
        register(new ModelEntry("preact_resnet1001", "preact-resnet-cifar",
                "pre-activation ResNet-1001, bottleneck units (He et al. 2016b)", 10_200_000, 100_000, false,
                ModelEntry.CIFAR, 10, r -> PreActResNet.bottleneck(1001).build(r)));
        // He et al. 2016b, Table 1 (shortcut variants) and Table 2 (unit orders) on ResNet-110.
        for (ShortcutVariant v : ShortcutVariant.values()) {
            if (v != ShortcutVariant.IDENTITY) {
                variant(110, v, UnitOrder.ORIGINAL);
            }
        }
        for (UnitOrder o : UnitOrder.values()) {
            if (o != UnitOrder.ORIGINAL) {
                variant(110, ShortcutVariant.IDENTITY, o);
            }
        }
        // Huang et al. 2016: ResNet-110 with stochastic depth, p_L = 0.5.
        register("resnet110_stochastic_depth", "resnet-cifar", "CIFAR ResNet-110 with stochastic depth, p_L = 0.5"
                + " (Huang et al. 2016)", 1_700_000, 100_000, ModelEntry.CIFAR, 10,
                r -> CifarResNet.of(110).withStochasticDepth(0.5).build(r));
        // Larsson et al. 2017, Table 1: FractalNet-20 (B = 5, C = 3) for CIFAR, 38.6M parameters (rounded to
        // 0.1M), with drop-path (local 0.15, global on half the minibatches) and block dropout, and without
        // either. The paper does not say where the width changes; the 1x1 entry projection is the reading
        // that reproduces its count (38,649,034), the authors' released generator has none (33,724,618).
        // See FractalNet's class comment for the arithmetic.
        register("fractalnet_20", "fractalnet-cifar", "FractalNet, B=5 C=3, 1x1 entry projections, drop-path + dropout"
                + " (Larsson et al. 2017)", 38_600_000, 100_000, ModelEntry.CIFAR, 10, r -> FRACTALNET_20.build(r));
        register("fractalnet_20_plain", "fractalnet-cifar", "FractalNet, B=5 C=3, 1x1 entry projections, no drop-path,"
                + " no dropout", 38_600_000, 100_000, ModelEntry.CIFAR, 10,
                r -> FractalNet.of(5, 3, 0, 0, false).withEntryProjection(true).build(r));
        register("fractalnet_20_deepest", "fractalnet-cifar", "FractalNet-20, deepest column alone (Table 3)",
                0, 1, ModelEntry.CIFAR, 10, r -> FRACTALNET_20.build(r, 3));
        register("fractalnet_20_as_released", "fractalnet-cifar", "FractalNet, B=5 C=3 as the authors' Caffe generator"
                + " wires it (no 1x1 projections, 33.7M), drop-path + dropout", 0, 1, ModelEntry.CIFAR, 10,
                r -> FractalNet.of(5, 3, 0.15, 0.5, true).build(r));
        // Small baselines for quick runs (no published counts for these forms; exact counts in ModelZooTest).
        register("lenet5", "lenet", "LeNet-5-style convnet (LeCun et al. 1998; ReLU, max pooling)", 0, 1,
                ModelEntry.MNIST, 10, LeNet5::build);
        register("vgg11_cifar", "vgg-cifar", "VGG-11 (configuration A) for CIFAR: BatchNorm, one classifier", 0, 1,
                ModelEntry.CIFAR, 10, r -> Vgg.vgg11().build(r));
        register("vgg16_cifar", "vgg-cifar", "VGG-16 (configuration D) for CIFAR: BatchNorm, one classifier", 0, 1,
                ModelEntry.CIFAR, 10, r -> Vgg.vgg16().build(r));
        // Zagoruyko and Komodakis 2016, Tables 1 and 4.
        wideResNet(16, 8, 11_000_000);
        wideResNet(28, 10, 36_500_000);
        wideResNet(40, 4, 8_900_000);
        // He et al. 2016, Table 1; parameter counts as torchvision reports them (exact).
        imagenetResNet("resnet18", ImageNetResNet.basic(2, 2, 2, 2), 11_689_512);
        imagenetResNet("resnet34", ImageNetResNet.basic(3, 4, 6, 3), 21_797_672);
        imagenetResNet("resnet50", ImageNetResNet.bottleneck(3, 4, 6, 3), 25_557_032);
        imagenetResNet("resnet101", ImageNetResNet.bottleneck(3, 4, 23, 3), 44_549_160);
        imagenetResNet("resnet152", ImageNetResNet.bottleneck(3, 8, 36, 3), 60_192_808);
        // Huang et al. 2017, Table 2 (CIFAR, rounded to 0.1M).
        cifarDenseNet("densenet_40_12", 40, 12, false, 1_000_000);
        cifarDenseNet("densenet_100_12", 100, 12, false, 7_000_000);
        cifarDenseNet("densenet_100_24", 100, 24, false, 27_200_000);
        cifarDenseNet("densenet_bc_100_12", 100, 12, true, 800_000);
        cifarDenseNet("densenet_bc_250_24", 250, 24, true, 15_300_000);
        cifarDenseNet("densenet_bc_190_40", 190, 40, true, 25_600_000);
        // Huang et al. 2017, Table 1; counts as torchvision reports them (exact).
        imagenetDenseNet("densenet121", 32, new int[] {6, 12, 24, 16}, 7_978_856);
        imagenetDenseNet("densenet169", 32, new int[] {6, 12, 32, 32}, 14_149_480);
        imagenetDenseNet("densenet201", 32, new int[] {6, 12, 48, 32}, 20_013_928);
        imagenetDenseNet("densenet161", 48, new int[] {6, 12, 36, 24}, 28_681_000);
    }

    private ModelZoo() {
    }

    private static void cifarResNet(int depth, long paperParams, long rounding) {
        register("resnet" + depth, "resnet-cifar", "CIFAR ResNet-" + depth + " (He et al. 2016, 6n+2 layers, shortcut option A)",
                paperParams, rounding, ModelEntry.CIFAR, 10, r -> CifarResNet.of(depth).build(r));
    }

    private static void variant(int depth, ShortcutVariant v, UnitOrder o) {
        String suffix = (v != ShortcutVariant.IDENTITY ? v.name() : o.name()).toLowerCase();
        register("resnet" + depth + "_" + suffix, "resnet-cifar-identity-mappings",
                "CIFAR ResNet-" + depth + ", " + suffix.replace('_', ' ') + " (He et al. 2016b)", 0, 1,
                ModelEntry.CIFAR, 10, r -> IdentityMappingResNet.of(depth, v, o, GATE_BIAS).build(r));
    }

    private static void wideResNet(int depth, int k, long paperParams) {
        register("wrn_" + depth + "_" + k, "wide-resnet-cifar", "WRN-" + depth + "-" + k + " (Zagoruyko and Komodakis 2016)",
                paperParams, 100_000, ModelEntry.CIFAR, 10, r -> WideResNet.of(depth, k, 0).build(r));
    }

    private static void imagenetResNet(String name, ImageNetResNet net, long params) {
        register(name, "resnet-imagenet", "ImageNet " + name + " (He et al. 2016, Table 1)", params, 1,
                ModelEntry.IMAGENET, 1000, net::build);
    }

    private static void cifarDenseNet(String name, int depth, int k, boolean bc, long paperParams) {
        register(name, "densenet-cifar", "CIFAR DenseNet" + (bc ? "-BC" : "") + " L=" + depth + " k=" + k + " (Huang et al. 2017)",
                paperParams, 100_000, ModelEntry.CIFAR, 10, r -> DenseNet.cifar(depth, k, bc).build(r));
    }

    private static void imagenetDenseNet(String name, int k, int[] blocks, long params) {
        register(name, "densenet-imagenet", "ImageNet " + name + " (Huang et al. 2017, Table 1)", params, 1,
                ModelEntry.IMAGENET, 1000, r -> DenseNet.imagenet(k, blocks).build(r));
    }

    private static void register(String name, String family, String description, long params, long rounding,
                                 InputShape input, int classes, Function<ModelRequest, ComputationGraphConfiguration> builder) {
        register(new ModelEntry(name, family, description, params, rounding, true, input, classes, builder));
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
                        + " (or resnet<depth>, resnet<depth>_<a|b|c>, resnet<depth>_<variant of He et al. 2016b>,"
                        + " plain<depth> for any depth 6n+2, wrn_<depth>_<k>[_dropout], densenet[_bc]_<depth>_<k>,"
                        + " fractalnet_b<B>_c<C>[_as_released])"));
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
            Shortcut option = m.group(2) == null ? Shortcut.A : Shortcut.valueOf(m.group(2).toUpperCase());
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name), option); // throws unless 6n+2
            return Optional.of(new ModelEntry(name, "resnet-cifar", "CIFAR ResNet-" + net.depth() + ", shortcut option " + option,
                    0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        m = FRACTAL.matcher(name);
        if (m.matches()) {
            boolean released = m.group(3) != null;
            FractalNet net = FractalNet.of(parseDepth(m.group(1), name), parseDepth(m.group(2), name), 0.15, 0.5, true)
                    .withEntryProjection(!released);
            return Optional.of(new ModelEntry(name, "fractalnet-cifar", "FractalNet, B=" + m.group(1) + " C=" + m.group(2)
                    + (released ? " as released" : ", 1x1 entry projections") + ", drop-path + dropout",
                    0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        m = DENSE.matcher(name);
        if (m.matches()) {
            boolean bc = m.group(1) != null;
            int depth = parseDepth(m.group(2), name);
            int k = parseDepth(m.group(3), name);
            DenseNet net = DenseNet.cifar(depth, k, bc); // throws unless the depth and growth rate are valid
            return Optional.of(new ModelEntry(name, "densenet-cifar", "CIFAR DenseNet" + (bc ? "-BC" : "") + " L=" + depth
                    + " k=" + k, 0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        m = WIDE.matcher(name);
        if (m.matches()) {
            // the paper's dropout between the convolutions is 0.3
            WideResNet net = WideResNet.of(parseDepth(m.group(1), name), parseDepth(m.group(2), name), m.group(3) != null ? 0.3 : 0);
            return Optional.of(new ModelEntry(name, "wide-resnet-cifar", "WRN-" + m.group(1) + "-" + m.group(2)
                    + (m.group(3) != null ? " with dropout 0.3" : ""), 0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        m = VARIANT.matcher(name);
        if (m.matches() && m.group(2).equals("stochastic_depth")) {
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name)).withStochasticDepth(0.5);
            return Optional.of(new ModelEntry(name, "resnet-cifar", "CIFAR ResNet-" + net.depth()
                    + " with stochastic depth, p_L = 0.5", 0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        if (m.matches()) {
            int depth = parseDepth(m.group(1), name);
            String suffix = m.group(2).toUpperCase();
            ShortcutVariant v = ShortcutVariant.IDENTITY;
            UnitOrder o = UnitOrder.ORIGINAL;
            try {
                v = ShortcutVariant.valueOf(suffix);
            } catch (IllegalArgumentException notAShortcut) {
                try {
                    o = UnitOrder.valueOf(suffix);
                } catch (IllegalArgumentException notAnOrder) {
                    return Optional.empty();
                }
            }
            IdentityMappingResNet net = IdentityMappingResNet.of(depth, v, o, GATE_BIAS);
            return Optional.of(new ModelEntry(name, "resnet-cifar-identity-mappings", "CIFAR ResNet-" + depth + ", "
                    + m.group(2).replace('_', ' '), 0, 1, true, ModelEntry.CIFAR, 10, net::build));
        }
        m = PLAIN.matcher(name);
        if (m.matches()) {
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name), Shortcut.NONE);
            return Optional.of(new ModelEntry(name, "plain-cifar", "plain " + net.depth() + "-layer net",
                    0, 1, true, ModelEntry.CIFAR, 10, net::build));
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
