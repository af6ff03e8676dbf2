package io.convoy.driver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The JVM flags and environment are written once (convoy/jvm-flags.txt, convoy/jvm-env.properties) and reach every JVM. */
class JvmFlagsTest {
    /** The repository root: surefire runs in the module's directory. */
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path SOURCE = ROOT.resolve("driver/src/main/resources/convoy");

    @Test
    void theFlagsAreJava17sOpensDl4jsHelpersAndTheAeronTimeout() {
        List<String> flags = JvmFlags.flags();
        assertEquals(13, flags.stream().filter(f -> f.startsWith("--add-opens=java.base/")).count(), flags.toString());
        assertTrue(flags.contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED"), flags.toString());
        assertEquals("false", JvmFlags.systemProperties().get("org.eclipse.deeplearning4j.helpers.disable"));
        assertEquals("60000000000", JvmFlags.systemProperties().get("aeron.publication.unblock.timeout"));
        assertEquals("2", JvmFlags.environment().get("MALLOC_ARENA_MAX"));
        assertTrue(flags.stream().noneMatch(f -> f.isBlank() || f.startsWith("#") || f.contains(" ")), flags.toString());
        assertEquals(String.join(" ", flags), SparkContexts.EXECUTOR_JAVA_OPTIONS);
    }

    @Test
    void thisTestJvmWasStartedWithEveryFlagAndTheEnvironment() {
        // the parent pom's argLine and environment are read from the same files
        List<String> args = ManagementFactory.getRuntimeMXBean().getInputArguments();
        for (String flag : JvmFlags.flags()) {
            assertTrue(args.contains(flag), flag + " missing from the test JVM's arguments " + args);
        }
        JvmFlags.environment().forEach((name, value) -> assertEquals(value, System.getenv(name), name));
    }

    @Test
    void noOtherFileListsAFlag() throws IOException {
        List<Pattern> forbidden = new ArrayList<>();
        forbidden.add(Pattern.compile("--add-opens=\\w"));
        for (String flag : JvmFlags.flags()) {
            forbidden.add(Pattern.compile(Pattern.quote(flag)));
            if (flag.startsWith("--add-opens=")) {
                // the manifest's Add-Opens form: the package alone
                String pkg = flag.substring("--add-opens=".length(), flag.lastIndexOf('='));
                forbidden.add(Pattern.compile("(?<![\\w./])" + Pattern.quote(pkg) + "(?![\\w.])"));
            }
        }
        JvmFlags.environment().forEach((name, value) -> {
            forbidden.add(Pattern.compile(Pattern.quote(name + "=" + value)));
            forbidden.add(Pattern.compile(Pattern.quote("<" + name + ">" + value + "<")));
        });
        List<Path> files = new ArrayList<>(List.of(ROOT.resolve("pom.xml"), ROOT.resolve("convoy")));
        try (Stream<Path> modules = Files.list(ROOT)) {
            for (Path module : modules.filter(m -> Files.isRegularFile(m.resolve("pom.xml"))).toList()) {
                files.add(module.resolve("pom.xml"));
                if (Files.isDirectory(module.resolve("src/main"))) {
                    try (Stream<Path> main = Files.walk(module.resolve("src/main"))) {
                        main.filter(Files::isRegularFile).filter(p -> !p.startsWith(SOURCE)).forEach(files::add);
                    }
                }
            }
        }
        if (Files.isDirectory(ROOT.resolve("bench"))) {
            try (Stream<Path> bench = Files.walk(ROOT.resolve("bench"))) {
                bench.filter(p -> p.toString().endsWith(".py") || p.toString().endsWith(".sh")).forEach(files::add);
            }
        }
        assertTrue(files.size() > 100, "files scanned: " + files.size());
        List<String> found = new ArrayList<>();
        for (Path file : files) {
            if (!isText(file)) {
                continue;
            }
            String text = Files.readString(file, StandardCharsets.UTF_8);
            for (Pattern p : forbidden) {
                if (p.matcher(text).find()) {
                    found.add(ROOT.relativize(file) + ": " + p.pattern());
                }
            }
        }
        assertTrue(found.isEmpty(), "JVM flags belong in " + JvmFlags.FLAGS + " and " + JvmFlags.ENV + " only: " + found);
    }

    private static boolean isText(Path file) throws IOException {
        String name = file.getFileName().toString();
        return Files.size(file) < 1_000_000 && !name.endsWith(".bin") && !name.endsWith(".gz") && !name.endsWith(".png");
    }
}
