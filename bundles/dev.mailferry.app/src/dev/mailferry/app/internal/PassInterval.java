package dev.mailferry.app.internal;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * A time between passes as people write it: {@code 24h}, {@code 90m}, {@code 1h30m}, {@code 2d}, {@code 45s}, or
 * ISO-8601 ({@code PT24H}); at least one second.
 */
final class PassInterval implements ITypeConverter<Duration> {

    private static final Pattern PARTS = Pattern.compile("(\\d+)([dhms])");
    private static final Pattern WHOLE = Pattern.compile("(\\d+[dhms])+");

    @Override
    public Duration convert(String value) {
        String text = value.strip().toLowerCase(Locale.ROOT);
        Duration duration;
        if (text.startsWith("p")) {
            try {
                duration = Duration.parse(text.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw invalid(value);
            }
        } else if (WHOLE.matcher(text).matches()) {
            duration = Duration.ZERO;
            Matcher part = PARTS.matcher(text);
            while (part.find()) {
                long n = Long.parseLong(part.group(1));
                duration = duration.plus(switch (part.group(2)) {
                    case "d" -> Duration.ofDays(n);
                    case "h" -> Duration.ofHours(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofSeconds(n);
                });
            }
        } else {
            throw invalid(value);
        }
        if (duration.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new TypeConversionException("'" + value + "' is shorter than a second");
        }
        return duration;
    }

    private static TypeConversionException invalid(String value) {
        return new TypeConversionException("'" + value + "' is not a duration such as 24h, 90m, 1h30m, 2d or PT24H");
    }
}
