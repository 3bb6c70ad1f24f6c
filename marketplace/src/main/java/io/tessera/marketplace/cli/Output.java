package io.tessera.marketplace.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;

/** {@code -o table|json|yaml}: aligned columns for people, the API's own objects for scripts. */
enum Output {
    table, json, yaml;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES));

    /** Prints {@code raw} as JSON/YAML, or the rows as a table (a header line, then one line per row). */
    void print(PrintWriter out, JsonNode raw, List<String> headers, List<List<String>> rows) throws IOException {
        switch (this) {
            case json -> out.println(JSON.writeValueAsString(raw));
            case yaml -> out.print(YAML.writeValueAsString(raw));
            case table -> table(out, headers, rows);
        }
        out.flush();
    }

    static void table(PrintWriter out, List<String> headers, List<List<String>> rows) {
        int[] width = new int[headers.size()];
        List<List<String>> all = new ArrayList<>();
        all.add(headers);
        all.addAll(rows);
        for (List<String> row : all) {
            for (int i = 0; i < width.length; i++) {
                width[i] = Math.max(width[i], cell(row, i).length());
            }
        }
        for (List<String> row : all) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < width.length; i++) {
                String c = cell(row, i);
                line.append(c);
                if (i < width.length - 1) {
                    line.append(" ".repeat(width[i] - c.length() + 3));
                }
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String cell(List<String> row, int i) {
        String s = i < row.size() && row.get(i) != null ? row.get(i) : "";
        return s.isEmpty() ? "-" : s.replace('\n', ' ');
    }

    /** The English text of a KubeSphere localized map ({@code {en: …, zh: …}}), else any, else a plain string. */
    static String text(JsonNode localized) {
        if (localized.isTextual()) {
            return localized.asText();
        }
        if (localized.hasNonNull("en")) {
            return localized.get("en").asText();
        }
        var it = localized.elements();
        return it.hasNext() ? it.next().asText("") : "";
    }

    /** A line on the command's stdout, at once (progress must show while the command waits). */
    static void say(CommandSpec spec, String format, Object... args) {
        spec.commandLine().getOut().printf(format + "%n", args);
        spec.commandLine().getOut().flush();
    }

    /** A line on the command's stderr, at once: what went wrong, or notes that must not mix into piped output. */
    static void complain(CommandSpec spec, String format, Object... args) {
        spec.commandLine().getErr().printf(format + "%n", args);
        spec.commandLine().getErr().flush();
    }

    static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
