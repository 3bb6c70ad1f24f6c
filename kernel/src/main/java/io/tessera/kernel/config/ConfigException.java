package io.tessera.kernel.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration was refused. Every problem names the key by its full dotted name, where the
 * value came from and why it was refused; {@link #getMessage()} is one line holding all of them.
 */
public final class ConfigException extends Exception {

    private final transient List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        return "bad configuration: " + problems.stream().map(Problem::toString).collect(Collectors.joining("; "));
    }

    /**
     * One refused key or value.
     *
     * @param key the full dotted key, e.g. {@code server.port}; empty for a problem with a whole file
     * @param source where the value came from, e.g. {@code /etc/tessera.yaml}, {@code TESSERA_SERVER_PORT}, {@code --port}
     * @param reason why it was refused
     */
    public record Problem(String key, String source, String reason) {
        @Override
        public String toString() {
            return key.isEmpty() ? source + ": " + reason : key + " (" + source + "): " + reason;
        }
    }
}
