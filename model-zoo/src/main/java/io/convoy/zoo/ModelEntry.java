package io.convoy.zoo;

import java.util.function.Function;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;

/**
 * One registered model.
 *
 * @param family         e.g. resnet-cifar, resnet-imagenet, densenet-cifar
 * @param paperParams    trainable parameter count the paper (or torchvision, for the ImageNet nets) reports,
 *                       for {@code referenceInput} and {@code referenceClasses}; 0 where none is published
 * @param paperRounding  the unit the published figure is rounded to (e.g. 10,000 for "0.27M"); 1 if exact
 * @param paperCountsBatchNorm whether the published figure includes BatchNorm's scale and shift
 */
public record ModelEntry(String name, String family, String description, long paperParams, long paperRounding,
                         boolean paperCountsBatchNorm,
                         InputShape referenceInput, int referenceClasses,
                         Function<ModelRequest, ComputationGraphConfiguration> builder) {

    public static final InputShape MNIST = new InputShape(1, 28, 28);
    public static final InputShape CIFAR = new InputShape(3, 32, 32);
    public static final InputShape IMAGENET = new InputShape(3, 224, 224);

    public ComputationGraphConfiguration build(ModelRequest request) {
        return builder.apply(request);
    }

    /**
     * The published count as the source states it, with its rounding: {@code "0.27M (rounded to 0.01M)"},
     * {@code "25,557,032 (exact)"}, or {@code "-"} where nothing is published.
     */
    public String publishedFigure() {
        if (paperParams <= 0) {
            return "-";
        }
        if (paperRounding <= 1) {
            return String.format(java.util.Locale.ROOT, "%,d (exact)", paperParams);
        }
        int decimals = (int) Math.max(0, Math.round(6 - Math.log10(paperRounding)));
        String unit = java.math.BigDecimal.valueOf(paperRounding, 6).stripTrailingZeros().toPlainString();
        return String.format(java.util.Locale.ROOT, "%." + decimals + "fM (rounded to %sM)", paperParams / 1e6, unit)
                + (paperCountsBatchNorm ? "" : ", weights only");
    }
}
