package dev.mailferry.mx;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How the checker asks.
 *
 * @param resolvers      the recursive resolvers to ask; empty: the system's (from /etc/resolv.conf and the like)
 * @param nameServerPort the port authoritative servers are asked on: 53, except in test setups on loopback
 * @param timeout        how long one server may take to answer one question (dnsjava retries within it)
 * @param clock          the time of "first seen" and "safe after"
 * @param stateFile      where the moment the change was first seen and the old TTL are kept between checks (a
 *                       project's {@code mx-cutover.properties}); null keeps them only in the checker instance, so a
 *                       new checker counts "first seen" from its first check
 * @param verificationRecords per domain, the Microsoft domain-verification TXT record to look for ({@code MS=ms...})
 * @param dkim           whether to look for the DKIM selector CNAMEs ({@code selector1._domainkey}, {@code selector2})
 */
public record MxCheckOptions(List<InetSocketAddress> resolvers, int nameServerPort, Duration timeout, Clock clock,
        Path stateFile, Map<String, String> verificationRecords, boolean dkim) {

    public static final int DNS_PORT = 53;
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

    public MxCheckOptions {
        resolvers = List.copyOf(resolvers);
        if (nameServerPort < 1 || nameServerPort > 65535) {
            throw new IllegalArgumentException("name server port " + nameServerPort + " is not between 1 and 65535");
        }
        Objects.requireNonNull(timeout, "timeout");
        Objects.requireNonNull(clock, "clock");
        verificationRecords = Map.copyOf(verificationRecords);
    }

    /** The system's resolvers, port 53, the default timeout, the system clock, no state file. */
    public static MxCheckOptions defaults() {
        return new MxCheckOptions(List.of(), DNS_PORT, DEFAULT_TIMEOUT, Clock.systemUTC(), null, Map.of(), false);
    }

    public MxCheckOptions withResolvers(List<InetSocketAddress> newResolvers) {
        return new MxCheckOptions(newResolvers, nameServerPort, timeout, clock, stateFile, verificationRecords, dkim);
    }

    public MxCheckOptions withNameServerPort(int port) {
        return new MxCheckOptions(resolvers, port, timeout, clock, stateFile, verificationRecords, dkim);
    }

    public MxCheckOptions withTimeout(Duration newTimeout) {
        return new MxCheckOptions(resolvers, nameServerPort, newTimeout, clock, stateFile, verificationRecords, dkim);
    }

    public MxCheckOptions withClock(Clock newClock) {
        return new MxCheckOptions(resolvers, nameServerPort, timeout, newClock, stateFile, verificationRecords, dkim);
    }

    public MxCheckOptions withStateFile(Path file) {
        return new MxCheckOptions(resolvers, nameServerPort, timeout, clock, file, verificationRecords, dkim);
    }

    /** Looks for these domain-verification TXT records (domain → {@code MS=ms...}). */
    public MxCheckOptions withVerificationRecords(Map<String, String> records) {
        return new MxCheckOptions(resolvers, nameServerPort, timeout, clock, stateFile, records, dkim);
    }

    /** Looks for the DKIM selector CNAMEs, or not. */
    public MxCheckOptions withDkim(boolean lookForDkim) {
        return new MxCheckOptions(resolvers, nameServerPort, timeout, clock, stateFile, verificationRecords, lookForDkim);
    }

    /**
     * Parses {@code HOST[:PORT]} (an IPv6 address in brackets when a port follows: {@code [2001:db8::53]:5353}).
     *
     * @throws IllegalArgumentException naming the text and what is wrong with it
     */
    public static InetSocketAddress parseServer(String text) {
        String host = text.trim();
        int port = DNS_PORT;
        if (host.startsWith("[")) {
            int close = host.indexOf(']');
            if (close < 0) {
                throw new IllegalArgumentException("'" + text + "': missing ']' after the IPv6 address");
            }
            String rest = host.substring(close + 1);
            host = host.substring(1, close);
            if (!rest.isEmpty()) {
                port = parsePort(text, rest.startsWith(":") ? rest.substring(1) : rest);
            }
        } else if (host.indexOf(':') >= 0 && host.indexOf(':') == host.lastIndexOf(':')) {
            port = parsePort(text, host.substring(host.indexOf(':') + 1));
            host = host.substring(0, host.indexOf(':'));
        }
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + text + "': no host");
        }
        return InetSocketAddress.createUnresolved(host, port);
    }

    private static int parsePort(String text, String port) {
        try {
            int value = Integer.parseInt(port);
            if (value >= 1 && value <= 65535) {
                return value;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("'" + text + "': port '" + port + "' is not a number from 1 to 65535");
    }
}
