package io.convoy.jobs;

import io.convoy.worker.augment.TestTimeAugmentation;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** The test-time views of {@code evaluate} and {@code predict}: one declaration, the same meaning in both. */
final class ViewOptions {
    @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
    CommandLine.Model.CommandSpec mixee;

    @Option(names = "--tta", defaultValue = "centre", paramLabel = "centre|flip|ten-crop",
            converter = TtaConverter.class,
            description = "Test-time views, probabilities averaged (default: ${DEFAULT-VALUE}). ten-crop: the four"
                    + " corners and the centre and their mirrors; needs images larger than --input-size.")
    TestTimeAugmentation tta;

    @Option(names = "--input-size", paramLabel = "HxW",
            description = "The network's input size when smaller than the stored images (default: the stored size).")
    String inputSize;

    /** {@code HxW} of --input-size; null when not given. */
    int[] inputSize() {
        if (inputSize == null) {
            return null;
        }
        String[] p = inputSize.toLowerCase().split("x");
        try {
            if (p.length == 2 && Integer.parseInt(p[0]) > 0 && Integer.parseInt(p[1]) > 0) {
                return new int[] {Integer.parseInt(p[0]), Integer.parseInt(p[1])};
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new CommandLine.ParameterException(mixee.commandLine(), "--input-size " + inputSize + ": expected HxW, e.g. 224x224");
    }

    static final class TtaConverter implements CommandLine.ITypeConverter<TestTimeAugmentation> {
        @Override
        public TestTimeAugmentation convert(String value) {
            try {
                return TestTimeAugmentation.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
