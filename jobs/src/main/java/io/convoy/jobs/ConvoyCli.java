package io.convoy.jobs;

import io.convoy.driver.checkpoint.RunStoreException;
import io.convoy.driver.config.ConfigValidationException;
import io.convoy.driver.config.Redaction;
import io.convoy.driver.spark.JvmFlags;
import io.convoy.worker.data.InvalidDataException;
import io.convoy.zoo.UnknownModelException;
import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code convoy} command. Exit codes: 0 success, 1 failed run, 2 bad usage, configuration or input data.
 * Runs under spark-submit (which sets the master) and as {@code java -jar} (embedded {@code local[*]}).
 */
@Command(name = "convoy", mixinStandardHelpOptions = true, versionProvider = ConvoyCli.Version.class,
        description = "Train residual-era convnets with Deeplearning4j on Apache Spark.",
        subcommands = {TrainCommand.class, EvaluateCommand.class, PredictCommand.class, ReportCommand.class, ModelsCommand.class,
                PrepareDataCommand.class, BenchDataCommand.class, BenchTrainCommand.class, BenchPeakCommand.class, LocalClusterCommand.class, SweepCommand.class, CommandLine.HelpCommand.class})
public final class ConvoyCli implements Runnable {
    public static final int EXIT_FAILED = 1;
    public static final int EXIT_USAGE = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (train, evaluate, predict, report, models)");
    }

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        // java -jar without the launcher's flags: their system properties still apply (DL4J's helpers switch among them)
        JvmFlags.applySystemPropertyDefaults();
        CommandLine cli = new CommandLine(new ConvoyCli());
        cli.setExecutionExceptionHandler(ConvoyCli::handle);
        return cli.execute(args);
    }

    private static int handle(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
        PrintWriter err = cmd.getErr();
        Throwable cause = rootOfKnown(e);
        if (cause != null) {
            err.println("convoy " + cmd.getCommandName() + ": " + Redaction.scrub(cause.getMessage()));
            err.flush();
            return EXIT_USAGE;
        }
        // a secret of the configuration never reaches the terminal, also inside a library's message
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        err.println("convoy " + cmd.getCommandName() + ": run failed: " + Redaction.scrub(e.toString()));
        err.print(Redaction.scrub(trace.toString()));
        err.flush();
        return EXIT_FAILED;
    }

    /** Bad configuration or input data, also when it surfaces wrapped in another exception. */
    private static Throwable rootOfKnown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigValidationException || t instanceof InvalidDataException
                    || t instanceof UnknownModelException || t instanceof RunStoreException) {
                return t;
            }
        }
        return null;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = ConvoyCli.class.getPackage().getImplementationVersion();
            return new String[] {"convoy " + (v == null ? "(development build)" : v)};
        }
    }
}
