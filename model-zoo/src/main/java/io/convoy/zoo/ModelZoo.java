package io.convoy.zoo;

import io.convoy.zoo.Family.Member;
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
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * Registry of model names to builders, in the manner of timm: each family is registered once, with the
 * name pattern it builds if its depth or width is free, its builder and its published entries, and tests are
 * driven by the registry. Each pattern is declared with its family, with the form an unknown name's message shows
 * (e.g. {@code wrn_<depth>_<k>[_dropout]}); a name of a family with an invalid depth or width is refused with the
 * family's rule.
 * Registered names win: {@code resnet50} and {@code resnet152} are the ImageNet nets, as in torchvision.
 */
public final class ModelZoo {
    /** The families, each with its name pattern and published entries; patterns are tried in this order. */
    private static final List<Family> FAMILIES = new ArrayList<>();
    private static final Map<String, ModelEntry> ENTRIES = new LinkedHashMap<>();

    static {
        // He et al. 2016, "Deep Residual Learning for Image Recognition", Table 6 (CIFAR-10, option A).
        register(Family.matching("resnet-cifar", "He et al. 2016", "resnet(\\d+)(?:_([abc]))?",
                "resnet<depth>[_a|_b|_c] for any depth 6n+2", (m, name) -> {
            Shortcut option = m.group(2) == null ? Shortcut.A : Shortcut.valueOf(m.group(2).toUpperCase());
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name), option); // throws unless 6n+2
            return Optional.of(new Member("CIFAR ResNet-" + net.depth() + ", shortcut option " + option,
                    "CIFAR ResNet-" + net.depth() + " (He et al. 2016, 6n+2 layers, shortcut option " + option + ")",
                    net::build));
        }).publish("resnet20", 270_000, 10_000)
                .publish("resnet32", 460_000, 10_000)
                .publish("resnet44", 660_000, 10_000)
                .publish("resnet56", 850_000, 10_000)
                .publish("resnet110", 1_700_000, 100_000)
                .publish("resnet1202", 19_400_000, 100_000));
        // Plain twins of Fig. 6: the same layers without shortcuts (no parameter counts published).
        register(Family.matching("plain-cifar", "He et al. 2016, Fig. 6", "plain(\\d+)", "plain<depth> (6n+2)",
                (m, name) -> {
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name), Shortcut.NONE);
            return Optional.of(new Member("plain " + net.depth() + "-layer net", net::build));
        }).publish("plain20").publish("plain32").publish("plain44").publish("plain56").publish("plain110"));
        // He et al. 2016b, "Identity Mappings in Deep Residual Networks", Table 3.
        Family preact = Family.of("preact-resnet-cifar", "He et al. 2016b", ModelEntry.CIFAR, 10)
                .publish("preact_resnet110", "pre-activation ResNet-110, basic units (He et al. 2016b)",
                        1_700_000, 100_000, PreActResNet.basic(110)::build)
                .publish("preact_resnet164", "pre-activation ResNet-164, bottleneck units (He et al. 2016b)",
                        1_700_000, 100_000, PreActResNet.bottleneck(164)::build);
        // The paper's 10.2M matches the convolution and classifier weights alone (10.18M); with BatchNorm's
        // scale and shift (another 0.15M) the net has 10.33M trainable parameters.
        register(preact.publish("preact_resnet1001", "pre-activation ResNet-1001, bottleneck units (He et al. 2016b)",
                10_200_000, 100_000, false, PreActResNet.bottleneck(1001)::build));
        // He et al. 2016b, Table 1 (shortcut variants) and Table 2 (unit orders) on ResNet-110; by name, any
        // depth 6n+2 with a variant's or an order's name in lower case.
        Family identityMappings = Family.matching("resnet-cifar-identity-mappings", "He et al. 2016b",
                "resnet(\\d+)_([a-z_]+)", "resnet<depth>_<" + identityMappingSuffixes() + ">",
                (m, name) -> {
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
                    IdentityMappingResNet net = IdentityMappingResNet.of(depth, v, o, IdentityMappingResNet.PAPER_GATE_BIAS);
                    return Optional.of(new Member("CIFAR ResNet-" + depth + ", " + m.group(2).replace('_', ' '), net::build));
                });
        for (ShortcutVariant v : ShortcutVariant.values()) {
            if (v != ShortcutVariant.IDENTITY) {
                identityMappings.publish("resnet110_" + v.name().toLowerCase());
            }
        }
        for (UnitOrder o : UnitOrder.values()) {
            if (o != UnitOrder.ORIGINAL) {
                identityMappings.publish("resnet110_" + o.name().toLowerCase());
            }
        }
        register(identityMappings);
        // Huang et al. 2016: ResNet-110 with stochastic depth.
        double pL = CifarResNet.PAPER_LAST_SURVIVAL;
        register(Family.matching("resnet-cifar", "Huang et al. 2016", "resnet(\\d+)_stochastic_depth",
                "resnet<depth>_stochastic_depth", (m, name) -> {
            CifarResNet net = CifarResNet.of(parseDepth(m.group(1), name)).withStochasticDepth(pL);
            return Optional.of(new Member("CIFAR ResNet-" + net.depth() + " with stochastic depth, p_L = " + pL, net::build));
        }).publish("resnet110_stochastic_depth", 1_700_000, 100_000));
        // Larsson et al. 2017, Table 1: FractalNet-20 (B = 5, C = 3) for CIFAR, 38.6M parameters (rounded to
        // 0.1M), with the paper's drop-path and block dropout (FractalNet.paper), and without either. The paper
        // does not say where the width changes; the 1x1 entry projection is the reading that reproduces its
        // count (38,649,034), the authors' released generator has none (33,724,618). See FractalNet's class
        // comment for the arithmetic.
        FractalNet fractalNet20 = FractalNet.paper(5, 3).withEntryProjection(true);
        register(Family.matching("fractalnet-cifar", "Larsson et al. 2017", "fractalnet_b(\\d+)_c(\\d+)(_as_released)?",
                "fractalnet_b<B>_c<C>[_as_released]", (m, name) -> {
                    boolean released = m.group(3) != null;
                    FractalNet net = FractalNet.paper(parseDepth(m.group(1), name), parseDepth(m.group(2), name))
                            .withEntryProjection(!released);
                    return Optional.of(new Member("FractalNet, B=" + m.group(1) + " C=" + m.group(2)
                            + (released ? " as released" : ", 1x1 entry projections") + ", drop-path + dropout", net::build));
                })
                .publish("fractalnet_20", "FractalNet, B=5 C=3, 1x1 entry projections, drop-path + dropout"
                        + " (Larsson et al. 2017)", 38_600_000, 100_000, fractalNet20::build)
                .publish("fractalnet_20_plain", "FractalNet, B=5 C=3, 1x1 entry projections, no drop-path, no dropout",
                        38_600_000, 100_000, FractalNet.of(5, 3, 0, 0, false).withEntryProjection(true)::build)
                .publish("fractalnet_20_deepest", "FractalNet-20, deepest column alone (Table 3)", 0, 1,
                        r -> fractalNet20.build(r, 3))
                .publish("fractalnet_20_as_released", "FractalNet, B=5 C=3 as the authors' Caffe generator wires it"
                        + " (no 1x1 projections, 33.7M), drop-path + dropout", 0, 1, FractalNet.paper(5, 3)::build));
        // Small baselines for quick runs (no published counts for these forms; exact counts in ModelZooTest).
        register(Family.of("lenet", "LeCun et al. 1998", ModelEntry.MNIST, 10).publish("lenet5",
                "LeNet-5-style convnet (LeCun et al. 1998; ReLU, max pooling)", 0, 1, LeNet5::build));
        register(Family.of("vgg-cifar", "Simonyan and Zisserman 2015", ModelEntry.CIFAR, 10)
                .publish("vgg11_cifar", "VGG-11 (configuration A) for CIFAR: BatchNorm, one classifier", 0, 1,
                        Vgg.vgg11()::build)
                .publish("vgg16_cifar", "VGG-16 (configuration D) for CIFAR: BatchNorm, one classifier", 0, 1,
                        Vgg.vgg16()::build));
        // Zagoruyko and Komodakis 2016, Tables 1 and 4; by name any depth 6n+4 and widening factor, with the
        // paper's dropout between the convolutions (0.3) on request.
        register(Family.matching("wide-resnet-cifar", "Zagoruyko and Komodakis 2016", "wrn_(\\d+)_(\\d+)(_dropout)?",
                "wrn_<depth>_<k>[_dropout]", (m, name) -> {
                    double dropout = m.group(3) != null ? 0.3 : 0;
                    WideResNet net = WideResNet.of(parseDepth(m.group(1), name), parseDepth(m.group(2), name), dropout);
                    return Optional.of(new Member("WRN-" + m.group(1) + "-" + m.group(2)
                            + (dropout > 0 ? " with dropout " + dropout : ""), net::build));
                })
                .publish("wrn_16_8", 11_000_000, 100_000)
                .publish("wrn_28_10", 36_500_000, 100_000)
                .publish("wrn_40_4", 8_900_000, 100_000));
        // He et al. 2016, Table 1; parameter counts as torchvision reports them (exact).
        Family resNets = Family.of("resnet-imagenet", "He et al. 2016, Table 1", ModelEntry.IMAGENET, 1000);
        imagenet(resNets, "resnet18", 11_689_512, ImageNetResNet.basic(2, 2, 2, 2)::build);
        imagenet(resNets, "resnet34", 21_797_672, ImageNetResNet.basic(3, 4, 6, 3)::build);
        imagenet(resNets, "resnet50", 25_557_032, ImageNetResNet.bottleneck(3, 4, 6, 3)::build);
        imagenet(resNets, "resnet101", 44_549_160, ImageNetResNet.bottleneck(3, 4, 23, 3)::build);
        imagenet(resNets, "resnet152", 60_192_808, ImageNetResNet.bottleneck(3, 8, 36, 3)::build);
        register(resNets);
        // Huang et al. 2017, Table 2 (CIFAR, rounded to 0.1M); by name any depth and growth rate.
        register(Family.matching("densenet-cifar", "Huang et al. 2017", "densenet(_bc)?_(\\d+)_(\\d+)",
                "densenet[_bc]_<depth>_<k>", (m, name) -> {
            boolean bc = m.group(1) != null;
            int depth = parseDepth(m.group(2), name);
            int k = parseDepth(m.group(3), name);
            DenseNet net = DenseNet.cifar(depth, k, bc); // throws unless the depth and growth rate are valid
            return Optional.of(new Member("CIFAR DenseNet" + (bc ? "-BC" : "") + " L=" + depth + " k=" + k, net::build));
        })
                .publish("densenet_40_12", 1_000_000, 100_000)
                .publish("densenet_100_12", 7_000_000, 100_000)
                .publish("densenet_100_24", 27_200_000, 100_000)
                .publish("densenet_bc_100_12", 800_000, 100_000)
                .publish("densenet_bc_250_24", 15_300_000, 100_000)
                .publish("densenet_bc_190_40", 25_600_000, 100_000));
        // Huang et al. 2017, Table 1; counts as torchvision reports them (exact).
        Family denseNets = Family.of("densenet-imagenet", "Huang et al. 2017, Table 1", ModelEntry.IMAGENET, 1000);
        imagenet(denseNets, "densenet121", 7_978_856, DenseNet.imagenet(32, 6, 12, 24, 16)::build);
        imagenet(denseNets, "densenet169", 14_149_480, DenseNet.imagenet(32, 6, 12, 32, 32)::build);
        imagenet(denseNets, "densenet201", 20_013_928, DenseNet.imagenet(32, 6, 12, 48, 32)::build);
        imagenet(denseNets, "densenet161", 28_681_000, DenseNet.imagenet(48, 6, 12, 36, 24)::build);
        register(denseNets);
    }

    private ModelZoo() {
    }

    /** An ImageNet entry of the family's table, with torchvision's exact count. */
    private static void imagenet(Family family, String name, long params,
                                 Function<ModelRequest, ComputationGraphConfiguration> builder) {
        family.publish(name, "ImageNet " + name + " (" + family.citation() + ")", params, 1, builder);
    }

    private static void register(Family family) {
        FAMILIES.add(family);
        for (ModelEntry entry : family.published()) {
            if (ENTRIES.putIfAbsent(entry.name(), entry) != null) {
                throw new IllegalStateException("model registered twice: " + entry.name());
            }
        }
    }

    /** Registered models, in registration order. */
    public static Map<String, ModelEntry> entries() {
        return Collections.unmodifiableMap(ENTRIES);
    }

    /** The entry for a name, including unregistered but valid family members such as {@code resnet8}. */
    public static ModelEntry entry(String name) {
        return find(name).orElseThrow(() -> new UnknownModelException(
                "unknown model '" + name + "'; valid models: " + String.join(", ", ENTRIES.keySet()) + " (or "
                        + String.join(", ", FAMILIES.stream().flatMap(f -> f.form().stream()).distinct().toList()) + ")"));
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
        for (Family family : FAMILIES) {
            Optional<ModelEntry> member = family.member(name);
            if (member.isPresent()) {
                return member;
            }
        }
        return Optional.empty();
    }

    /** The names' suffixes of He et al. 2016b's shortcut variants and unit orders: {@code constant_scaling|...}. */
    private static String identityMappingSuffixes() {
        return java.util.stream.Stream.concat(
                        java.util.Arrays.stream(ShortcutVariant.values()).filter(v -> v != ShortcutVariant.IDENTITY),
                        java.util.Arrays.stream(UnitOrder.values()).filter(o -> o != UnitOrder.ORIGINAL))
                .map(e -> e.name().toLowerCase()).collect(java.util.stream.Collectors.joining("|"));
    }

    private static int parseDepth(String digits, String name) {
        try {
            return Integer.parseInt(digits);
        } catch (NumberFormatException e) {
            throw new UnknownModelException("model '" + name + "': depth " + digits + " is too large");
        }
    }
}
