package dev.mailferry.demo.dns;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Signs a test zone with DNSSEC through ldns (Debian package {@code ldnsutils}): a fresh ECDSA P-256 key, NSEC
 * records, signatures valid between the given moments. Resolvers are given the key as their trust anchor.
 */
public final class ZoneSigner {

    private static final DateTimeFormatter LDNS_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    /**
     * A signed zone.
     *
     * @param zoneText    the signed zone file
     * @param trustAnchor the zone's key as a DNSKEY record line, for unbound's {@code trust-anchor:}
     */
    public record Signed(String zoneText, String trustAnchor) {
    }

    private ZoneSigner() {
    }

    /** Signs {@code zoneText} of {@code zone} in {@code directory} with signatures valid from {@code inception} to {@code expiration}. */
    public static Signed sign(Path directory, String zone, String zoneText, Instant inception, Instant expiration)
            throws IOException {
        Files.createDirectories(directory);
        Path unsigned = directory.resolve(zone + ".unsigned");
        Files.writeString(unsigned, zoneText, StandardCharsets.UTF_8);
        String key = run(directory, DnsDaemon.binary("ldns-keygen", "ldnsutils"), "-a", "ECDSAP256SHA256", "-k", zone).trim();
        run(directory, DnsDaemon.binary("ldns-signzone", "ldnsutils"), "-o", zone, "-i", LDNS_TIME.format(inception), "-e",
                LDNS_TIME.format(expiration), "-f", directory.resolve(zone + ".signed").toString(), unsigned.toString(), key);
        String anchor = Files.readString(directory.resolve(key + ".key"), StandardCharsets.UTF_8);
        int comment = anchor.indexOf(';'); // ldns appends ";{id = ..., size = ...}"
        return new Signed(Files.readString(directory.resolve(zone + ".signed"), StandardCharsets.UTF_8),
                (comment < 0 ? anchor : anchor.substring(0, comment)).trim());
    }

    private static String run(Path directory, String... command) throws IOException {
        Path output = directory.resolve("ldns.out");
        ProcessBuilder builder = new ProcessBuilder(List.of(command)).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(output.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Process process = builder.start();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException(String.join(" ", command) + " did not finish within 30 s");
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted: " + String.join(" ", command), e);
        }
        String text = Files.readString(output, StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException(String.join(" ", new ArrayList<>(List.of(command))) + " failed (exit "
                    + process.exitValue() + "): " + text);
        }
        return text;
    }
}
