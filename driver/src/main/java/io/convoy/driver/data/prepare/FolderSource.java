package io.convoy.driver.data.prepare;

import io.convoy.worker.data.InvalidDataException;
import io.convoy.worker.data.folder.ImageFile;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists an ImageNet-style tree on the driver: {@code train/<class>/*.{JPEG,jpg,png}}; validation as
 * {@code val/<class>/...} or a flat folder plus a labels file in ILSVRC2012's {@code LOC_val_solution.csv}
 * form ({@code ImageId,PredictionString}, the first token of the prediction string is the class).
 * Class indices follow the sorted training folder names. Files with other extensions are skipped with a
 * warning naming them; which files are images, and readable, is settled when they are decoded.
 */
final class FolderSource {
    private static final Logger log = LoggerFactory.getLogger(FolderSource.class);
    static final Set<String> EXTENSIONS = Set.of("jpeg", "jpg", "png");

    record Listing(List<String> classes, List<ImageFile> train, List<ImageFile> test, List<String> skipped) {
    }

    private final FileSystem fs;
    private final List<String> skipped = new ArrayList<>();

    FolderSource(FileSystem fs) {
        this.fs = fs;
    }

    Listing list(Path root, Path valDir, Path valLabels) throws IOException {
        Path trainDir = new Path(root, "train");
        if (!fs.exists(trainDir) || !fs.getFileStatus(trainDir).isDirectory()) {
            throw new InvalidDataException(root + ": no train/ directory (expected train/<class>/*.JPEG)");
        }
        List<FileStatus> classDirs = sorted(fs.listStatus(trainDir)).stream().filter(FileStatus::isDirectory).toList();
        if (classDirs.size() < 2) {
            throw new InvalidDataException(trainDir + ": " + classDirs.size() + " class folders, expected at least 2");
        }
        List<String> classes = classDirs.stream().map(s -> s.getPath().getName()).toList();
        List<ImageFile> train = classFolders(trainDir, classes, true);

        List<ImageFile> test;
        if (!fs.exists(valDir)) {
            throw new InvalidDataException(valDir + ": validation directory not found");
        }
        boolean hasClassFolders = Arrays.stream(fs.listStatus(valDir)).anyMatch(FileStatus::isDirectory);
        if (hasClassFolders) {
            test = classFolders(valDir, classes, false);
        } else {
            if (valLabels == null || !fs.exists(valLabels)) {
                throw new InvalidDataException(valDir + " is a flat folder: its labels file "
                        + (valLabels == null ? "(--val-labels)" : valLabels) + " was not found (expected the"
                        + " LOC_val_solution.csv form: ImageId,PredictionString)");
            }
            test = flatFolder(valDir, valLabels, classes);
        }
        return new Listing(classes, train, test, List.copyOf(skipped));
    }

    private List<ImageFile> classFolders(Path dir, List<String> classes, boolean requireAll) throws IOException {
        List<ImageFile> out = new ArrayList<>();
        Map<String, Integer> index = indexOf(classes);
        for (FileStatus s : sorted(fs.listStatus(dir))) {
            String name = s.getPath().getName();
            if (!s.isDirectory()) {
                skip(s.getPath(), "not in a class folder");
                continue;
            }
            Integer label = index.get(name);
            if (label == null) {
                throw new InvalidDataException(s.getPath() + ": class folder '" + name + "' is not one of the "
                        + classes.size() + " training classes");
            }
            int before = out.size();
            for (FileStatus f : sorted(fs.listStatus(s.getPath()))) {
                if (isImage(f)) {
                    out.add(new ImageFile(f.getPath().toString(), label, out.size(), f.getLen()));
                } else {
                    skip(f.getPath(), f.isDirectory() ? "a directory inside a class folder" : "not a .JPEG/.jpg/.png file");
                }
            }
            if (out.size() == before) {
                throw new InvalidDataException("empty class folder " + s.getPath() + ": no .JPEG, .jpg or .png files");
            }
        }
        if (requireAll && out.isEmpty()) {
            throw new InvalidDataException(dir + ": no images");
        }
        return out;
    }

    private List<ImageFile> flatFolder(Path dir, Path labels, List<String> classes) throws IOException {
        Map<String, Integer> index = indexOf(classes);
        Map<String, Integer> labelOf = new HashMap<>();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(fs.open(labels), StandardCharsets.UTF_8))) {
            String line;
            int lineNo = 0;
            while ((line = r.readLine()) != null) {
                lineNo++;
                line = line.strip();
                if (line.isEmpty() || (lineNo == 1 && line.toLowerCase(Locale.ROOT).startsWith("imageid"))) {
                    continue;
                }
                int comma = line.indexOf(',');
                String[] prediction = comma < 0 ? new String[0] : line.substring(comma + 1).strip().split("\\s+");
                if (comma <= 0 || prediction.length == 0 || prediction[0].isEmpty()) {
                    throw new InvalidDataException(labels + " line " + lineNo + ": '" + line
                            + "' is not 'ImageId,ClassId ...' (LOC_val_solution.csv form)");
                }
                Integer label = index.get(prediction[0]);
                if (label == null) {
                    throw new InvalidDataException(labels + " line " + lineNo + ": class '" + prediction[0]
                            + "' is not one of the " + classes.size() + " training class folders");
                }
                labelOf.put(line.substring(0, comma).strip(), label);
            }
        }
        List<ImageFile> out = new ArrayList<>();
        for (FileStatus f : sorted(fs.listStatus(dir))) {
            if (!isImage(f)) {
                skip(f.getPath(), "not a .JPEG/.jpg/.png file");
                continue;
            }
            String name = f.getPath().getName();
            Integer label = labelOf.remove(name.substring(0, name.lastIndexOf('.')));
            if (label == null) {
                skip(f.getPath(), "no label in " + labels.getName());
                continue;
            }
            out.add(new ImageFile(f.getPath().toString(), label, out.size(), f.getLen()));
        }
        if (!labelOf.isEmpty()) {
            String missing = new TreeMap<>(labelOf).firstKey();
            throw new InvalidDataException(labels + " labels " + labelOf.size() + " image(s) not found in " + dir
                    + ", e.g. " + missing);
        }
        return out;
    }

    private void skip(Path p, String why) {
        log.warn("skipping {}: {}", p, why);
        skipped.add(p + ": " + why);
    }

    private static boolean isImage(FileStatus f) {
        String n = f.getPath().getName();
        int dot = n.lastIndexOf('.');
        return f.isFile() && dot > 0 && EXTENSIONS.contains(n.substring(dot + 1).toLowerCase(Locale.ROOT));
    }

    private static Map<String, Integer> indexOf(List<String> classes) {
        Map<String, Integer> m = new HashMap<>();
        for (int i = 0; i < classes.size(); i++) {
            m.put(classes.get(i), i);
        }
        return m;
    }

    private static List<FileStatus> sorted(FileStatus[] statuses) {
        List<FileStatus> l = new ArrayList<>(Arrays.asList(statuses));
        l.sort(Comparator.comparing(s -> s.getPath().getName()));
        return l;
    }
}
