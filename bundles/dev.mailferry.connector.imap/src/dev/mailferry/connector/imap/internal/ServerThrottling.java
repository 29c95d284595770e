package dev.mailferry.connector.imap.internal;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Recognises a server's request to slow down in its answer text. Exchange Online answers a command (or ends the
 * connection with BYE) with "Request is throttled. Suggested Backoff Time: 30000 milliseconds".
 */
final class ServerThrottling {

    private static final Pattern SUGGESTED_BACKOFF = Pattern.compile(
            "Suggested\\s+Backoff\\s+Time:\\s*(\\d{1,9})\\s*milli", Pattern.CASE_INSENSITIVE);
    private static final Pattern THROTTLED = Pattern.compile("request\\s+is\\s+throttled|\\[THROTTLED\\]",
            Pattern.CASE_INSENSITIVE);
    /** When the server says it throttles but not for how long. */
    static final Duration DEFAULT_BACKOFF = Duration.ofSeconds(5);

    private ServerThrottling() {
    }

    /** How long the server asks to wait, or null when {@code serverText} is not about throttling. */
    static Duration backoff(String serverText) {
        if (serverText == null || !THROTTLED.matcher(serverText).find()) {
            return null;
        }
        Matcher suggested = SUGGESTED_BACKOFF.matcher(serverText);
        return suggested.find() ? Duration.ofMillis(Long.parseLong(suggested.group(1))) : DEFAULT_BACKOFF;
    }
}
