package io.convoy.driver.sweep;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import io.convoy.driver.config.ConfigEntry;
import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Reads a sweep file (HOCON):
 * <pre>
 * sweep {
 *   name = degradation                      # default: the file name
 *   dir = "sweeps/degradation"              # default: sweeps/NAME
 *   base = "../recipes/resnet-cifar.conf"   # a run file (relative to this file), or an inline { ... } config
 *   parallel = 1                            # trials at once, in Spark FAIR scheduler pools
 *   overrides { data.format = cifar10 }     # every trial
 *   axes { "model.name" = [plain20, resnet20] }                      # a grid ...
 *   cases = [ { name = a, overrides { "model.name" = resnet20 } } ]   # ... or named cases
 *   budget { epochs = 2, train-limit = 5000, test-limit = 1000, width = 0.25 }
 * }
 * </pre>
 * Every error names the file and the key.
 */
public final class SweepFile {
    private static final Set<String> KEYS = Set.of("name", "dir", "base", "parallel", "overrides", "axes", "cases", "budget");
    private static final Set<String> CASE_KEYS = Set.of("name", "overrides");
    /** Trials at once (sweep.parallel; the command line's --parallel has the same rule). */
    static final ConfigEntry<Integer> PARALLEL = ConfigEntry.atLeast("parallel", 1, 1);
    private static final Pattern TRIAL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

    private SweepFile() {
    }

    public static SweepSpec load(File file) {
        if (!file.isFile()) {
            throw new SweepFileException("sweep file " + file + " does not exist or is not a file");
        }
        Config root;
        try {
            root = ConfigFactory.parseFile(file, ConfigParseOptions.defaults().setAllowMissing(false)).resolve();
        } catch (ConfigException e) {
            throw new SweepFileException("cannot parse sweep file " + file + ": " + e.getMessage(), e);
        }
        String defaultName = file.getName().replaceFirst("\\.conf$", "");
        return parse(root, file.getAbsoluteFile().getParentFile(), defaultName, file.toString());
    }

    static SweepSpec parse(Config root, File baseDir, String defaultName, String source) {
        for (String key : root.root().keySet()) {
            if (!key.equals("sweep")) {
                throw new SweepFileException(source + ": unknown top-level key '" + key + "': everything goes under sweep { }");
            }
        }
        if (!root.hasPath("sweep")) {
            throw new SweepFileException(source + ": no sweep { } block");
        }
        try {
            return parseSweep(root.getConfig("sweep"), baseDir, defaultName, source);
        } catch (ConfigException e) {
            throw new SweepFileException(source + ": " + e.getMessage(), e);
        }
    }

    private static SweepSpec parseSweep(Config s, File baseDir, String defaultName, String source) {
        for (String key : s.root().keySet()) {
            if (!KEYS.contains(key)) {
                throw new SweepFileException(source + ": unknown key sweep." + key + "; expected one of " + new java.util.TreeSet<>(KEYS));
            }
        }
        String name = s.hasPath("name") ? s.getString("name") : defaultName;
        if (!TRIAL_NAME.matcher(name).matches()) {
            throw new SweepFileException(source + ": sweep.name = '" + name + "': expected letters, digits, '.', '_' or '-'");
        }
        String dir = s.hasPath("dir") ? s.getString("dir") : "sweeps/" + name;
        int parallel = s.hasPath(PARALLEL.path()) ? s.getInt(PARALLEL.path()) : PARALLEL.defaultValue();
        PARALLEL.refusal(parallel).ifPresent(expected -> {
            throw new SweepFileException(source + ": sweep.parallel = " + parallel + ": expected " + expected);
        });

        File baseFile = null;
        List<String> common = new ArrayList<>();
        if (s.hasPath("base")) {
            ConfigValue base = s.getValue("base");
            if (base.valueType() == ConfigValueType.STRING) {
                baseFile = baseFile(baseDir, (String) base.unwrapped(), source);
            } else if (base.valueType() == ConfigValueType.OBJECT) {
                common.addAll(overrides(((ConfigObject) base).toConfig()));
            } else {
                throw new SweepFileException(source + ": sweep.base: expected a run file path or an inline { } config, got "
                        + base.valueType().name().toLowerCase());
            }
        }
        if (s.hasPath("overrides")) {
            common.addAll(overrides(s.getConfig("overrides")));
        }

        boolean axes = s.hasPath("axes");
        boolean cases = s.hasPath("cases");
        if (axes == cases) {
            throw new SweepFileException(source + ": expected either sweep.axes (a grid) or sweep.cases (named cases)"
                    + (axes ? ", not both" : ""));
        }
        List<TrialSpec> trials = axes ? grid(s.getConfig("axes"), source) : cases(s.getList("cases"), source);
        Set<String> names = new HashSet<>();
        for (TrialSpec t : trials) {
            if (!names.add(t.name())) {
                throw new SweepFileException(source + ": two trials are named '" + t.name() + "'");
            }
        }
        Budget budget = s.hasPath("budget") ? budget(s.getConfig("budget"), source) : Budget.NONE;
        return new SweepSpec(name, dir, baseFile, common, parallel, trials, budget, source);
    }

    private static File baseFile(File baseDir, String path, String source) {
        File f = new File(path);
        if (!f.isAbsolute()) {
            File besideSweep = new File(baseDir, path);
            f = besideSweep.isFile() ? besideSweep : f;
        }
        if (!f.isFile()) {
            throw new SweepFileException(source + ": sweep.base = \"" + path + "\": no such run file (looked beside the sweep"
                    + " file, in " + baseDir + ", and in the working directory)");
        }
        return f;
    }

    /** The grid of the axes, keys in alphabetical order (HOCON objects keep no order), the last key varying fastest. */
    private static List<TrialSpec> grid(Config axes, String source) {
        Map<String, List<ConfigValue>> values = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : axes.entrySet()) {
            String key = unquote(e.getKey());
            if (e.getValue().valueType() != ConfigValueType.LIST || ((ConfigList) e.getValue()).isEmpty()) {
                throw new SweepFileException(source + ": sweep.axes." + key + ": expected a non-empty list of values, e.g. [a, b]");
            }
            values.put(key, new ArrayList<>((ConfigList) e.getValue()));
        }
        if (values.isEmpty()) {
            throw new SweepFileException(source + ": sweep.axes is empty: expected at least one key = [values]");
        }
        List<TrialSpec> out = new ArrayList<>();
        out.add(new TrialSpec("", Map.of(), List.of()));
        for (Map.Entry<String, List<ConfigValue>> axis : values.entrySet()) {
            List<TrialSpec> next = new ArrayList<>();
            for (TrialSpec partial : out) {
                for (ConfigValue v : axis.getValue()) {
                    Map<String, String> params = new LinkedHashMap<>(partial.parameters());
                    params.put(axis.getKey(), display(v));
                    List<String> overrides = new ArrayList<>(partial.overrides());
                    overrides.add(axis.getKey() + "=" + render(v));
                    next.add(new TrialSpec("", params, overrides));
                }
            }
            out = next;
        }
        boolean single = values.size() == 1;
        List<TrialSpec> named = new ArrayList<>();
        for (TrialSpec t : out) {
            List<String> parts = new ArrayList<>();
            t.parameters().forEach((k, v) -> {
                String[] path = k.split("\\.");
                parts.add(single ? v : path[path.length - 1] + "-" + v);
            });
            named.add(new TrialSpec(safeName(String.join("_", parts)), t.parameters(), t.overrides()));
        }
        return named;
    }

    private static List<TrialSpec> cases(List<? extends ConfigValue> list, String source) {
        if (list.isEmpty()) {
            throw new SweepFileException(source + ": sweep.cases is empty: expected [ { name = a, overrides { ... } }, ... ]");
        }
        List<TrialSpec> out = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            String where = source + ": sweep.cases[" + i + "]";
            if (list.get(i).valueType() != ConfigValueType.OBJECT) {
                throw new SweepFileException(where + ": expected { name = ..., overrides { ... } }");
            }
            Config c = ((ConfigObject) list.get(i)).toConfig();
            for (String key : c.root().keySet()) {
                if (!CASE_KEYS.contains(key)) {
                    throw new SweepFileException(where + ": unknown key '" + key + "'; expected name and overrides");
                }
            }
            if (!c.hasPath("name")) {
                throw new SweepFileException(where + ": every case needs a name");
            }
            String name = c.getString("name");
            if (!TRIAL_NAME.matcher(name).matches()) {
                throw new SweepFileException(where + ": name = '" + name + "': expected letters, digits, '.', '_' or '-'"
                        + " (it names the trial's folder)");
            }
            Map<String, String> params = new LinkedHashMap<>();
            List<String> overrides = new ArrayList<>();
            if (c.hasPath("overrides")) {
                for (Map.Entry<String, ConfigValue> e : new TreeMap<>(c.getConfig("overrides").entrySet().stream()
                        .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue))).entrySet()) {
                    params.put(unquote(e.getKey()), display(e.getValue()));
                    overrides.add(asPath(e.getKey()) + "=" + render(e.getValue()));
                }
            }
            out.add(new TrialSpec(name, params, overrides));
        }
        return out;
    }

    private static Budget budget(Config b, String source) {
        for (String key : b.root().keySet()) {
            if (!Budget.KEYS.contains(key)) {
                List<String> keys = Budget.KEYS;
                throw new SweepFileException(source + ": unknown key sweep.budget." + key + "; expected "
                        + String.join(", ", keys.subList(0, keys.size() - 1)) + " or " + keys.get(keys.size() - 1));
            }
        }
        try {
            return Budget.of(b);
        } catch (SweepFileException e) {
            throw new SweepFileException(source + ": sweep." + e.getMessage(), e);
        }
    }

    /** Every leaf of a config as {@code path=value} overrides (paths quoted where needed, values as HOCON). */
    private static List<String> overrides(Config c) {
        List<String> out = new ArrayList<>();
        new TreeMap<>(c.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .forEach((k, v) -> out.add(asPath(k) + "=" + render(v)));
        return out;
    }

    /**
     * An override's key as a path: a quoted first key ({@code "model.name" = x}) is read as the path model.name, as on
     * the command line; deeper keys keep their quotes ({@code spark.conf { "spark.ui.enabled" = false }}).
     */
    private static String asPath(String entryKey) {
        List<String> parts = new ArrayList<>(ConfigUtil.splitPath(entryKey));
        String first = parts.remove(0);
        List<String> out = new ArrayList<>(List.of(first.split("\\.")));
        out.addAll(parts);
        return ConfigUtil.joinPath(out);
    }

    private static String render(ConfigValue v) {
        return v.render(ConfigRenderOptions.concise());
    }

    private static String display(ConfigValue v) {
        return v.valueType() == ConfigValueType.STRING ? (String) v.unwrapped() : render(v);
    }

    /** A path expression as a plain key: {@code "model.name"} (one quoted key) and {@code model.name} both read model.name. */
    private static String unquote(String path) {
        return String.join(".", ConfigUtil.splitPath(path));
    }

    private static String safeName(String s) {
        String n = s.replaceAll("[^A-Za-z0-9._-]", "-");
        return n.isEmpty() || !Character.isLetterOrDigit(n.charAt(0)) ? "t" + n : n;
    }
}
