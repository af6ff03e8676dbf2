package io.convoy.jobs;

import io.convoy.zoo.Complexity;
import io.convoy.zoo.InputShape;
import io.convoy.zoo.ModelEntry;
import io.convoy.zoo.ModelRequest;
import io.convoy.zoo.ModelZoo;
import io.convoy.zoo.ParameterCounts;
import io.convoy.zoo.UnknownModelException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.nd4j.linalg.learning.config.Sgd;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "models", mixinStandardHelpOptions = true,
        description = {"List the model zoo: name, family, trainable parameters and multiply-adds per image,",
                "and the published parameter count with its rounding.",
                "Counts are for --input and --classes when given, else for each model's reference input",
                "(CIFAR 3x32x32 with 10 classes, ImageNet 3x224x224 with 1000, MNIST 1x28x28 for lenet5)."})
final class ModelsCommand implements Callable<Integer> {
    @Option(names = "--input", paramLabel = "CxHxW", description = "Input shape, e.g. 1x28x28.")
    String input;

    @Option(names = "--classes", paramLabel = "N", description = "Number of classes.")
    Integer classes;

    @Option(names = "--width-multiplier", paramLabel = "W", defaultValue = "1.0",
            description = "Scale every channel count to max(1, round(c * W)) (default: ${DEFAULT-VALUE}, the published widths).")
    double widthMultiplier;

    @Parameters(arity = "0..*", paramLabel = "NAME", description = "Models to show (default: every registered model).")
    List<String> names = new ArrayList<>();

    @Override
    public Integer call() {
        InputShape shape = input == null ? null : parseShape(input);
        if (classes != null && classes < 2) {
            throw new UnknownModelException("--classes " + classes + ": expected at least 2");
        }
        List<String> which = names.isEmpty() ? new ArrayList<>(ModelZoo.entries().keySet()) : names;
        System.out.printf("%-34s %-30s %-14s %14s %16s  %s%n", "model", "family", "input", "parameters", "multiply-adds", "published");
        for (String name : which) {
            ModelEntry e = ModelZoo.entry(name);
            InputShape in = shape != null ? shape : e.referenceInput();
            int n = classes != null ? classes : e.referenceClasses();
            ComputationGraphConfiguration conf = e.build(new ModelRequest(in, n, 1, new Sgd(0.1), 0, widthMultiplier));
            System.out.printf("%-34s %-30s %-14s %14s %16s  %s%n", e.name(), e.family(), in + "/" + n,
                    String.format("%,d", ParameterCounts.trainable(conf, in)),
                    String.format("%,d", Complexity.multiplyAdds(conf, in)),
                    widthMultiplier == 1.0 ? e.publishedFigure() : "-");
        }
        return 0;
    }

    static InputShape parseShape(String s) {
        String[] p = s.toLowerCase().split("x");
        try {
            if (p.length == 3) {
                return new InputShape(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
            }
        } catch (IllegalArgumentException ignored) {
            // reported below
        }
        throw new UnknownModelException("--input " + s + ": expected channels x height x width with positive sizes, e.g. 3x32x32");
    }
}
