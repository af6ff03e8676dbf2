package io.convoy.driver.report;

import io.convoy.driver.checkpoint.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.apache.commons.text.StringEscapeUtils;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A report as a list of blocks, written as one self-contained HTML file (charts embedded as base64
 * PNG, styles inline: it opens from a file system) and as Markdown (charts as PNG files beside it).
 * Every piece of text is escaped on the way out: run and class names come from users' folders.
 */
public final class Report {
    sealed interface Block {
    }

    record Heading(String text) implements Block {
    }

    record Paragraph(String text) implements Block {
    }

    record Chart(String file, String title, byte[] png) implements Block {
    }

    record TableBlock(Table table) implements Block {
    }

    record Preformatted(String text) implements Block {
    }

    private static final String CSS = String.join("\n",
            "body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2em auto;max-width:1100px;color:#222}",
            "table{border-collapse:collapse;margin:.5em 0 1.5em}th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right}",
            "th{background:#f3f3f3}td:first-child,th:first-child{text-align:left}",
            "figure{display:inline-block;margin:.5em}pre{background:#f7f7f7;padding:1em;overflow:auto;font-size:85%}");

    private final String title;
    private final List<Block> blocks = new ArrayList<>();

    public Report(String title) {
        this.title = title;
    }

    public Report heading(String text) {
        blocks.add(new Heading(text));
        return this;
    }

    public Report paragraph(String text) {
        blocks.add(new Paragraph(text));
        return this;
    }

    /** Adds a chart, or a line saying why there is none when {@code png} is null. */
    public Report chart(String file, String chartTitle, byte[] png, String whenMissing) {
        blocks.add(png == null ? new Paragraph(chartTitle + ": " + whenMissing) : new Chart(file, chartTitle, png));
        return this;
    }

    public Report table(Table t) {
        blocks.add(new TableBlock(t));
        return this;
    }

    public Report preformatted(String text) {
        blocks.add(new Preformatted(text));
        return this;
    }

    public static String html(String s) {
        return StringEscapeUtils.escapeHtml4(s);
    }

    String html() {
        StringBuilder sb = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>")
                .append(html(title)).append("</title>\n<style>\n").append(CSS).append("\n</style>\n</head>\n<body>\n<h1>")
                .append(html(title)).append("</h1>\n");
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("<h2>").append(html(h.text())).append("</h2>\n");
            } else if (b instanceof Paragraph p) {
                sb.append("<p>").append(html(p.text())).append("</p>\n");
            } else if (b instanceof Chart c) {
                sb.append("<figure><img alt=\"").append(html(c.title())).append("\" width=\"640\" height=\"340\" src=\"data:image/png;base64,")
                        .append(Base64.getEncoder().encodeToString(c.png())).append("\"></figure>\n");
            } else if (b instanceof TableBlock t) {
                sb.append(t.table().html());
            } else if (b instanceof Preformatted p) {
                sb.append("<pre>").append(html(p.text())).append("</pre>\n");
            }
        }
        return sb.append("</body>\n</html>\n").toString();
    }

    /** @param chartDir the folder, relative to the Markdown file, that holds the chart PNGs */
    String markdown(String chartDir) {
        StringBuilder sb = new StringBuilder("# ").append(Table.md(title)).append("\n\n");
        for (Block b : blocks) {
            if (b instanceof Heading h) {
                sb.append("## ").append(Table.md(h.text())).append("\n\n");
            } else if (b instanceof Paragraph p) {
                sb.append(Table.md(p.text())).append("\n\n");
            } else if (b instanceof Chart c) {
                sb.append("![").append(Table.md(c.title())).append("](").append(chartDir).append('/').append(c.file()).append(")\n\n");
            } else if (b instanceof TableBlock t) {
                sb.append(t.table().markdown()).append('\n');
            } else if (b instanceof Preformatted p) {
                sb.append("```\n").append(p.text().replace("```", "'''")).append("\n```\n\n");
            }
        }
        return sb.toString();
    }

    /** Writes {@code <base>.html}, {@code <base>.md} and {@code <base>-charts/*.png} into {@code dir}, each atomically. */
    public void write(FileSystem fs, Path dir, String base) {
        String chartDir = base + "-charts";
        for (Block b : blocks) {
            if (b instanceof Chart c) {
                write(fs, new Path(new Path(dir, chartDir), c.file()), c.png());
            }
        }
        write(fs, new Path(dir, base + ".md"), markdown(chartDir).getBytes(StandardCharsets.UTF_8));
        write(fs, new Path(dir, base + ".html"), html().getBytes(StandardCharsets.UTF_8));
    }

    /** Written under a temporary name and renamed into place: never a half-written report under the real name. */
    private static void write(FileSystem fs, Path target, byte[] bytes) {
        new AtomicFiles(fs).write(target, bytes);
    }
}
