package io.tessera.marketplace.server;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The fields of a Repository's spec the controller uses (KubeSphere reference §6.1). */
record RepositorySpec(String name, String url, String username, String password, String caBundle, boolean insecure,
        Duration interval, Duration timeout, int depth) {

    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+)(ms|h|m|s)");

    /** Reads a Repository; {@code defaultInterval} applies when registryPoll.interval is unset. */
    static RepositorySpec of(GenericKubernetesResource repo, Duration defaultInterval) {
        Map<?, ?> spec = repo.getAdditionalProperties().get("spec") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> auth = spec.get("basicAuth") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> strategy = spec.get("updateStrategy") instanceof Map<?, ?> m ? m : Map.of();
        Map<?, ?> poll = strategy.get("registryPoll") instanceof Map<?, ?> m ? m : Map.of();
        Duration interval = parseDuration(poll.get("interval"), defaultInterval);
        Duration timeout = parseDuration(strategy.get("timeout"), DEFAULT_TIMEOUT);
        return new RepositorySpec(repo.getMetadata().getName(), string(spec.get("url")), string(auth.get("username")),
                string(auth.get("password")), string(spec.get("caBundle")), Boolean.TRUE.equals(spec.get("insecure")),
                interval, timeout, spec.get("depth") instanceof Number n ? n.intValue() : 0);
    }

    private static String string(Object o) {
        return o == null ? null : String.valueOf(o);
    }

    /** A Go duration ({@code 15m}, {@code 1h30m}, {@code 500ms}); unset or invalid → the fallback. */
    static Duration parseDuration(Object value, Duration fallback) {
        if (!(value instanceof String s) || s.isBlank()) {
            return fallback;
        }
        Matcher m = GO_DURATION.matcher(s.trim());
        Duration d = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                return fallback;
            }
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                case "s" -> Duration.ofSeconds(n);
                default -> Duration.ofMillis(n);
            });
            end = m.end();
        }
        return end == s.trim().length() && !d.isZero() ? d : fallback;
    }
}
