package io.convoy.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.convoy.driver.checkpoint.RunStore;
import io.convoy.driver.config.Redaction;
import io.convoy.driver.spark.SparkContexts;
import io.convoy.driver.train.TrainingRun;
import io.convoy.worker.data.SyntheticImages;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's secrets given as Spark/Hadoop configuration are never written or shown: train, report, a refused evaluate
 * and resume, a resume with the secrets given again, a sweep and its resumed trial, all through the CLI with every
 * logger at INFO; then every file under the run and sweep directories (the checkpoint zips unpacked), the log events
 * and the console output are searched for the secret values.
 */
class SecretsNotWrittenTest {
    /** Matched by Spark's default spark.redaction.regex (the key has "secret"). */
    private static final String S3_SECRET = "fake-s3a-8c2f41d0e77b";
    /** A Hadoop key the default pattern does not match ("account.key"): the run's own spark.redaction.regex does. */
    private static final String AZURE_KEY = "fake-abfs-5d9e03a1c6f2";
    private static final String S3_KEY = "spark.conf.\"spark.hadoop.fs.s3a.secret.key\"";
    private static final String AZURE_PROPERTY = "spark.hadoop.fs.azure.account.key.acct.dfs.core.windows.net";
    private static final String AZURE_KEY_PATH = "spark.conf.\"" + AZURE_PROPERTY + "\"";
    private static final List<String> SECRETS = List.of(S3_SECRET, AZURE_KEY);

    @TempDir
    Path tmp;

    private final List<String> logged = new CopyOnWriteArrayList<>();
    private AbstractAppender appender;

    @BeforeEach
    void captureEveryLogger() {
        appender = new AbstractAppender("secrets-test", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                logged.add(event.getLoggerName() + " " + event.getMessage().getFormattedMessage()
                        + (event.getThrown() == null ? "" : " " + stackTrace(event.getThrown())));
            }
        };
        appender.start();
        LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
        ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
        Configurator.setAllLevels(LogManager.ROOT_LOGGER_NAME, Level.INFO);
        ctx.updateLoggers();
    }

    @AfterEach
    void restoreLogging() {
        ((LoggerContext) LogManager.getContext(false)).reconfigure();
        appender.stop();
    }

    @Test
    void secretsAppearInNoFileLogOrMessageAndComeAgainOnResume() throws Exception {
        Path data = tmp.resolve("digits");
        SyntheticImages.writeMnistDir(data, 96, 32, 7);
        Path input = Files.createDirectories(tmp.resolve("input"));
        Path conf = input.resolve("tiny.conf");
        Files.writeString(conf, String.join("\n",
                "model { name = plain8, width = 0.25 }",
                "data { format = mnist }",
                "train { epochs = 1, batch-size-per-worker = 16, workers = 2, optimizer.lr = 0.05 }",
                "spark { master = \"local[2]\", conf {",
                "  \"spark.ui.enabled\" = \"false\"",
                "  \"spark.redaction.regex\" = \"(?i)secret|password|token|access[.]?key|account[.]key\"",
                "  \"" + AZURE_PROPERTY + "\" = \"" + AZURE_KEY + "\"",
                "} }"));
        Path runs = tmp.resolve("runs");
        String s3Override = S3_KEY + "=" + S3_SECRET;
        String azureOverride = AZURE_KEY_PATH + "=" + AZURE_KEY;
        StringBuilder console = new StringBuilder();

        assertEquals(0, cli(console, "train", conf.toString(), "data.path=" + data, "run.dir=" + runs, s3Override));
        Path runDir;
        try (Stream<Path> dirs = Files.list(runs)) {
            runDir = dirs.findFirst().orElseThrow();
        }
        String saved = Files.readString(runDir.resolve("config.conf"));
        assertTrue(saved.contains("\"spark.hadoop.fs.s3a.secret.key\"=\"" + Redaction.MARKER + "\""), saved);
        assertTrue(saved.contains("\"" + AZURE_PROPERTY + "\"=\"" + Redaction.MARKER + "\""), saved);
        assertTrue(logged.stream().anyMatch(l -> l.contains("resolved configuration") && l.contains(Redaction.MARKER)),
                "the resolved configuration is logged, redacted");

        assertEquals(0, cli(console, "report", "--run", runDir.toString()));
        assertTrue(Files.readString(runDir.resolve("report.md")).contains(Redaction.MARKER));

        // without the secrets a run that would start Spark is refused (exit 2) naming the keys, before Spark starts
        StringBuilder refused = new StringBuilder();
        assertEquals(2, cli(refused, "evaluate", "--run", runDir.toString()));
        assertEquals(2, cli(refused, "train", "--resume", runDir.toString(), "train.epochs=2"));
        assertTrue(refused.toString().contains(S3_KEY) && refused.toString().contains(AZURE_KEY_PATH), refused.toString());
        console.append(refused);

        // a mistyped secret on the command line is not echoed in the error
        assertEquals(2, cli(console, "train", conf.toString(), "data.path=" + data, S3_KEY + "=\"" + S3_SECRET));

        // the live configuration of a resume holds the values given again, never the marker
        TrainingRun again = TrainingRun.resume(runDir.toString(), List.of("train.epochs=2", s3Override, azureOverride));
        Map<String, String> live = again.config().spark().conf();
        assertEquals(S3_SECRET, live.get("spark.hadoop.fs.s3a.secret.key"));
        assertEquals(AZURE_KEY, live.get(AZURE_PROPERTY));
        Configuration hadoop = SparkContexts.hadoopConf(live);
        assertEquals(S3_SECRET, hadoop.get("fs.s3a.secret.key"));
        assertEquals(S3_SECRET, new String(hadoop.getPassword("fs.s3a.secret.key")));

        assertEquals(0, cli(console, "train", "--resume", runDir.toString(), "train.epochs=2", s3Override, azureOverride));
        assertEquals(List.of(1, 2), RunStore.open(runDir.toString(), new Configuration()).manifest().stream()
                .map(c -> c.epoch()).toList(), "the resume trained epoch 2");

        // a sweep, then the same sweep again with its trial left unfinished: the resumed trial gets the secrets
        // from the sweep's own configuration, not from its run directory
        Path sweepFile = input.resolve("one.conf");
        Files.writeString(sweepFile, "sweep { name = one, base = \"tiny.conf\", cases = [ { name = only, overrides { } } ] }");
        Path sweepDir = tmp.resolve("sweep");
        List<String> sweep = List.of("sweep", sweepFile.toString(), "data.path=" + data, s3Override, "--dir", sweepDir.toString());
        assertEquals(0, cli(console, sweep.toArray(String[]::new)));
        Path state = sweepDir.resolve("sweep-state.json");
        Files.writeString(state, Files.readString(state).replace("FINISHED", "RUNNING"));
        assertEquals(0, cli(console, sweep.toArray(String[]::new)));
        assertTrue(logged.stream().anyMatch(l -> l.contains("trial only") && l.contains("resuming")), "the trial was resumed");

        List<String> leaks = new ArrayList<>();
        for (Path root : List.of(runs, sweepDir)) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    for (Map.Entry<String, String> text : contents(f).entrySet()) {
                        SECRETS.stream().filter(text.getValue()::contains).forEach(s -> leaks.add(text.getKey()));
                    }
                }
            }
        }
        logged.stream().filter(l -> SECRETS.stream().anyMatch(l::contains)).forEach(l -> leaks.add("log: " + l));
        SECRETS.stream().filter(console.toString()::contains).forEach(s -> leaks.add("console output"));
        assertTrue(leaks.isEmpty(), "secret values found in: " + leaks);
        assertTrue(Files.exists(runDir.resolve("checkpoints/epoch-0002.json")) && Files.exists(runDir.resolve("report.html"))
                && Files.exists(sweepDir.resolve("results.csv")), "the files searched exist");
    }

    /** A file's text, or for a zip every entry's (uncompressed) text, keyed by a name for the report. */
    private static Map<String, String> contents(Path f) throws IOException {
        if (!f.toString().endsWith(".zip")) {
            return Map.of(f.toString(), new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1));
        }
        Map<String, String> out = new java.util.LinkedHashMap<>();
        try (InputStream in = Files.newInputStream(f); ZipInputStream zip = new ZipInputStream(in)) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                out.put(f + "!" + e.getName(), new String(zip.readAllBytes(), StandardCharsets.ISO_8859_1));
            }
        }
        return out;
    }

    /** Runs the CLI with its standard output and error collected into {@code console}. */
    private static int cli(StringBuilder console, String... args) {
        return withConsole(console, () -> ConvoyCli.execute(args));
    }

    private static int withConsole(StringBuilder console, Supplier<Integer> r) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        PrintStream both = new PrintStream(buf, true, StandardCharsets.UTF_8);
        System.setOut(both);
        System.setErr(both);
        try {
            return r.get();
        } finally {
            System.setOut(out);
            System.setErr(err);
            console.append(buf.toString(StandardCharsets.UTF_8));
            out.print(buf.toString(StandardCharsets.UTF_8));
        }
    }

    private static String stackTrace(Throwable t) {
        java.io.StringWriter w = new java.io.StringWriter();
        t.printStackTrace(new java.io.PrintWriter(w));
        return w.toString();
    }
}
