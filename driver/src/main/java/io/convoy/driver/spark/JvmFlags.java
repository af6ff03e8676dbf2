package io.convoy.driver.spark;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * The JVM flags and environment every Convoy JVM needs, read from the one file that lists them ({@value #FLAGS},
 * {@value #ENV}). The parent pom's test argLine and the jar manifest's Add-Opens are made from the same file at build
 * time, and the ./convoy launcher reads it from the source tree.
 */
public final class JvmFlags {
    /** One flag a line; lines starting with # are comments. */
    public static final String FLAGS = "convoy/jvm-flags.txt";
    /** NAME=VALUE environment settings (Java properties format). */
    public static final String ENV = "convoy/jvm-env.properties";

    private static final List<String> FLAG_LIST = readFlags();
    private static final Map<String, String> ENVIRONMENT = readEnv();

    private JvmFlags() {
    }

    /** The flags, in the file's order. */
    public static List<String> flags() {
        return FLAG_LIST;
    }

    /** The system properties the flags set ({@code -Dkey=value}), in the file's order. */
    public static Map<String, String> systemProperties() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String flag : FLAG_LIST) {
            int eq = flag.indexOf('=');
            if (flag.startsWith("-D") && eq > 2) {
                out.put(flag.substring(2, eq), flag.substring(eq + 1));
            }
        }
        return Collections.unmodifiableMap(out);
    }

    /** Sets each of {@link #systemProperties()} that this JVM was not started with (a value already given wins). */
    public static void applySystemPropertyDefaults() {
        systemProperties().forEach((key, value) -> System.setProperty(key, System.getProperty(key, value)));
    }

    /** The environment settings, by name. */
    public static Map<String, String> environment() {
        return ENVIRONMENT;
    }

    /**
     * The flags as a built jar carries them in {@value #FLAGS} (what README's {@code unzip -p <jar> convoy/jvm-flags.txt}
     * gives an operator for spark-submit's {@code --driver-java-options}).
     */
    public static List<String> inJar(Path jar) {
        try (ZipFile zip = new ZipFile(jar.toFile())) {
            ZipEntry entry = zip.getEntry(FLAGS);
            if (entry == null) {
                throw new IllegalArgumentException(jar + " has no " + FLAGS + " (not a Convoy jar?)");
            }
            try (InputStream in = zip.getInputStream(entry)) {
                return parseFlags(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + FLAGS + " from " + jar, e);
        }
    }

    private static List<String> readFlags() {
        return parseFlags(read(FLAGS));
    }

    private static List<String> parseFlags(String text) {
        return text.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static Map<String, String> readEnv() {
        Properties p = new Properties();
        try (InputStream in = stream(ENV)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + ENV, e);
        }
        Map<String, String> out = new TreeMap<>();
        p.stringPropertyNames().forEach(name -> out.put(name, p.getProperty(name)));
        return Collections.unmodifiableMap(out);
    }

    private static String read(String resource) {
        try (InputStream in = stream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }

    private static InputStream stream(String resource) {
        InputStream in = JvmFlags.class.getClassLoader().getResourceAsStream(resource);
        if (in == null) {
            throw new IllegalStateException(resource + " is missing from the class path (it ships in the driver's jar)");
        }
        return in;
    }
}
