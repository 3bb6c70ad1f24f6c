package io.tessera.marketplace.cli;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Durations as people (and Kubernetes) write them: {@code 90s}, {@code 5m}, {@code 1h30m}. */
final class Durations implements ITypeConverter<Duration> {

    static final Pattern FORMAT = Pattern.compile("(\\d+)(h|m|s)");

    @Override
    public Duration convert(String value) {
        return parse(value);
    }

    static Duration parse(String value) {
        if (value == null || !value.matches("(\\d+(h|m|s))+")) {
            throw new TypeConversionException("'" + value + "' is not a duration like 90s, 5m or 1h30m");
        }
        Duration d = Duration.ZERO;
        Matcher m = FORMAT.matcher(value);
        while (m.find()) {
            long n = Long.parseLong(m.group(1));
            d = d.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
        }
        return d;
    }
}
