package dev.mailferry.app.internal;

import dev.mailferry.mx.MxCheckOptions;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/** How the MX cutover checker asks: the options shared by {@code mx check}, {@code mx watch} and {@code batch complete}. */
final class MxLookupOptions {

    @Option(names = "--resolver", paramLabel = "HOST[:PORT]",
            description = "Recursive resolver to ask instead of the system's; repeatable (e.g. 1.1.1.1 --resolver 8.8.8.8).")
    List<String> resolvers = new ArrayList<>();

    @Option(names = "--name-server-port", paramLabel = "PORT", defaultValue = "53",
            description = "Port the authoritative name servers are asked on (default ${DEFAULT-VALUE}; another only for test setups).")
    int nameServerPort;

    @Option(names = "--verification-txt", paramLabel = "DOMAIN=TEXT",
            description = "Also look for the TXT record Microsoft 365 gave to verify DOMAIN (e.g. contoso.com=MS=ms12345678); repeatable.")
    Map<String, String> verificationRecords = new LinkedHashMap<>();

    @Option(names = "--dkim", description = "Also look for the DKIM selector CNAMEs (selector1/selector2._domainkey) to Exchange Online.")
    boolean dkim;

    @Option(names = "--dns-timeout", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long one DNS server may take to answer (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    /** The checker's options, keeping the cutover state in {@code stateFile} (null: none). */
    MxCheckOptions toOptions(Path stateFile) {
        List<InetSocketAddress> servers = new ArrayList<>();
        for (String resolver : resolvers) {
            try {
                servers.add(MxCheckOptions.parseServer(resolver));
            } catch (IllegalArgumentException e) {
                throw new CommandFailure(ExitCodes.USAGE, "--resolver " + e.getMessage());
            }
        }
        if (nameServerPort < 1 || nameServerPort > 65535) {
            throw new CommandFailure(ExitCodes.USAGE, "--name-server-port " + nameServerPort + " is not a port (1-65535)");
        }
        if (timeoutSeconds < 1) {
            throw new CommandFailure(ExitCodes.USAGE, "--dns-timeout " + timeoutSeconds + " must be at least 1 second");
        }
        return MxCheckOptions.defaults().withResolvers(servers).withNameServerPort(nameServerPort)
                .withTimeout(Duration.ofSeconds(timeoutSeconds)).withStateFile(stateFile)
                .withVerificationRecords(lowerCaseKeys(verificationRecords)).withDkim(dkim);
    }

    private static Map<String, String> lowerCaseKeys(Map<String, String> records) {
        Map<String, String> lower = new LinkedHashMap<>();
        records.forEach((domain, text) -> lower.put(domain.toLowerCase(java.util.Locale.ROOT), text));
        return lower;
    }
}
