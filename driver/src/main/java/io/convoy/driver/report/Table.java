package io.convoy.driver.report;

import java.util.List;
import org.apache.commons.text.StringEscapeUtils;

/** A table of text cells, rendered the same way into HTML and Markdown; every cell is escaped. */
public record Table(String id, List<String> header, List<List<String>> rows) {

    String html() {
        StringBuilder sb = new StringBuilder("<table id=\"").append(Report.html(id)).append("\">\n<thead><tr>");
        header.forEach(h -> sb.append("<th>").append(Report.html(h)).append("</th>"));
        sb.append("</tr></thead>\n<tbody>\n");
        for (List<String> row : rows) {
            sb.append("<tr>");
            row.forEach(c -> sb.append("<td>").append(Report.html(c)).append("</td>"));
            sb.append("</tr>\n");
        }
        return sb.append("</tbody>\n</table>\n").toString();
    }

    String markdown() {
        StringBuilder sb = new StringBuilder("|");
        header.forEach(h -> sb.append(' ').append(md(h)).append(" |"));
        sb.append("\n|");
        header.forEach(h -> sb.append("---|"));
        sb.append('\n');
        for (List<String> row : rows) {
            sb.append('|');
            row.forEach(c -> sb.append(' ').append(md(c)).append(" |"));
            sb.append('\n');
        }
        return sb.toString();
    }

    /**
     * A cell for a Markdown table: HTML-escaped (renderers pass raw HTML through), with the table's
     * own syntax characters and line breaks neutralised.
     */
    static String md(String s) {
        return StringEscapeUtils.escapeHtml4(s).replace("\\", "\\\\").replace("|", "\\|")
                .replace("\r", " ").replace("\n", " ");
    }
}
