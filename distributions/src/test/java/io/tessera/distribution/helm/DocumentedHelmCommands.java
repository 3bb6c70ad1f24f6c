package io.tessera.distribution.helm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code helm install} / {@code helm upgrade --install} commands written in docs/deploy.md, parsed
 * so that the tests render exactly what the documentation tells operators to run.
 */
record DocumentedHelmCommands(List<Command> commands) {

    /** One documented command: release, chart path (relative to the repository root), namespace, values files, --set values. */
    record Command(String line, String release, String chart, String namespace, List<String> valuesFiles,
            Map<String, String> sets) {
    }

    static DocumentedHelmCommands read(Path markdown) throws IOException {
        List<Command> out = new ArrayList<>();
        for (String raw : joinContinuations(Files.readAllLines(markdown))) {
            String line = raw.strip();
            if (line.startsWith("helm install ") || line.startsWith("helm upgrade ")) {
                out.add(parse(line));
            }
        }
        return new DocumentedHelmCommands(out);
    }

    private static List<String> joinContinuations(List<String> lines) {
        List<String> out = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String l : lines) {
            if (l.endsWith("\\")) {
                current.append(l, 0, l.length() - 1).append(' ');
            } else {
                out.add(current.append(l).toString());
                current.setLength(0);
            }
        }
        return out;
    }

    static Command parse(String line) {
        String[] t = line.split("\\s+");
        List<String> positional = new ArrayList<>();
        List<String> values = new ArrayList<>();
        Map<String, String> sets = new LinkedHashMap<>();
        String namespace = "default";
        for (int i = 2; i < t.length; i++) {
            switch (t[i]) {
                case "--install", "--create-namespace", "--wait", "--atomic" -> { }
                case "-n", "--namespace" -> namespace = t[++i];
                case "-f", "--values" -> values.add(t[++i]);
                case "--set" -> {
                    String[] kv = t[++i].split("=", 2);
                    sets.put(kv[0], kv[1]);
                }
                default -> {
                    if (t[i].startsWith("-")) {
                        throw new IllegalArgumentException("docs/deploy.md: flag " + t[i] + " is not understood by the test: " + line);
                    }
                    positional.add(t[i]);
                }
            }
        }
        if (positional.size() != 2) {
            throw new IllegalArgumentException("docs/deploy.md: expected RELEASE CHART in: " + line);
        }
        return new Command(line, positional.get(0), positional.get(1), namespace, values, sets);
    }
}
