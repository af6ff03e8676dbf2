package io.convoy.jobs;

import io.convoy.driver.predict.PredictionRun;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Predict the classes of new images with a checkpoint of a run, on Spark.",
                "Per image (or record): the top-k classes by name with their probabilities,",
                "written by Spark's writers as CSV (one file) and Parquet into",
                "OUT/predictions.csv/ and OUT/predictions.parquet/. Preprocessing as evaluate:",
                "resize + centre crop to the run's images, the run's normalisation, the",
                "same test-time views.",
                "INPUT: image files (.jpg, .jpeg, .png) or folders searched at every depth;",
                "prepared shards (their test split); a directory of MNIST IDX or CIFAR-10",
                "files (its test split); a CIFAR batch file (*.bin) or an IDX images file.",
                "Local paths or Hadoop URIs (hdfs://, s3a://). One image file alone prints",
                "its prediction on stdout (then --output is optional).",
                "Exit codes: 0 done, 1 failed (more unreadable images than --max-bad, no good",
                "checkpoint), 2 bad usage (also: the checkpoint's class count differs from",
                "the input data set's)."},
        footer = {"", "Examples:",
                "  convoy predict --run runs/resnet8-20261123-101500-1a2b photos/ --output predictions/",
                "  convoy predict --run runs/r1 --checkpoint best cat.jpg",
                "  convoy predict --run hdfs://nn/convoy/runs/r1 hdfs://nn/incoming/ --output hdfs://nn/out/p1 --tta flip"})
final class PredictCommand implements Callable<Integer> {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--run", required = true, paramLabel = "DIR", description = "Run directory (local path or Hadoop URI).")
    String run;

    @Option(names = "--checkpoint", defaultValue = "latest", paramLabel = "latest|best|epoch-N",
            description = "Which checkpoint (default: ${DEFAULT-VALUE}). best: lowest validation top-1 error in the"
                    + " manifest. A corrupt latest/best falls back to the previous good one.")
    String checkpoint;

    @Option(names = "--output", paramLabel = "OUT",
            description = "Directory for predictions.csv/ and predictions.parquet/ (must not hold them yet).")
    String output;

    @Option(names = "--top-k", defaultValue = "5", paramLabel = "K",
            description = "Classes per prediction, most probable first (default: ${DEFAULT-VALUE}; at most the class count).")
    int topK;

    @Option(names = "--max-bad", defaultValue = "10", paramLabel = "N",
            description = "Unreadable or undecodable images skipped, each named in a warning, before the run fails"
                    + " (default: ${DEFAULT-VALUE}).")
    int maxBad;

    @CommandLine.Mixin
    ViewOptions views;

    @Parameters(arity = "1..*", paramLabel = "INPUT | KEY=VALUE",
            description = "Inputs (see above), and overrides of the run's saved config, e.g. spark.master=local[2].")
    List<String> arguments = new ArrayList<>();

    @Override
    public Integer call() {
        List<String> inputs = new ArrayList<>();
        List<String> overrides = new ArrayList<>();
        for (String a : arguments) {
            // a config key has no '/' or ':' before its '=' (a path or URI may contain '=')
            int eq = a.indexOf('=');
            if (eq > 0 && a.substring(0, eq).matches("[A-Za-z0-9_.\"-]+")) {
                overrides.add(a);
            } else {
                inputs.add(a);
            }
        }
        if (inputs.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "no INPUT: name image files or folders, prepared"
                    + " shards, or IDX/CIFAR files");
        }
        PredictionRun.Options options = new PredictionRun.Options(checkpoint, views.tta, views.inputSize(), topK, maxBad,
                output);
        PredictionRun.Outcome outcome = new PredictionRun(run, inputs, options, overrides).run();
        if (outcome.single() != null) {
            System.out.println(outcome.describe(outcome.single()));
        }
        if (outcome.single() == null || !outcome.written().isEmpty() || !outcome.skipped().isEmpty()) {
            System.out.println(outcome.summary());
        }
        return 0;
    }
}
